using System.Globalization;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingPortal.Tests.Infrastructure;

public sealed class PostgresClusterTests
{
    [Fact]
    public async Task Throwaway_cluster_answers_queries_and_is_deleted_on_dispose()
    {
        var folder = NewFolder();
        var cluster = await StartAsync(folder, persistent: false);
        try
        {
            Assert.Contains("PostgreSQL", await ScalarAsync<string>(cluster.ConnectionString, "select version()"));
            Assert.Equal("booking", await ScalarAsync<string>(cluster.ConnectionString, "select current_database()"));
            // The tests fire many parallel connections across several pools.
            Assert.True(int.Parse(
                await ScalarAsync<string>(cluster.ConnectionString, "show max_connections"),
                CultureInfo.InvariantCulture) >= 300);

            var other = await cluster.CreateDatabaseAsync("second");
            Assert.Equal("second", await ScalarAsync<string>(other, "select current_database()"));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Persistent_cluster_survives_restart_stop_and_a_stale_pid_file()
    {
        var folder = NewFolder();
        try
        {
            int port;
            await using (var first = await StartAsync(folder, persistent: true))
            {
                port = first.Port;
                await ScalarAsync<int>(first.ConnectionString, "create table kept(id int); insert into kept values (42); select 1");

                await first.RestartAsync();
                Assert.Equal(42, await ScalarAsync<int>(first.ConnectionString, "select id from kept"));
            }

            // What a crash leaves behind: a pid file naming a process that is gone.
            var pidFile = Path.Combine(folder, "pgdata", "postmaster.pid");
            await File.WriteAllTextAsync(pidFile, $"4194000\n{Path.Combine(folder, "pgdata")}\n0\n{port}\n");

            await using var second = await StartAsync(folder, persistent: true);
            Assert.Equal(port, second.Port);
            Assert.Equal(42, await ScalarAsync<int>(second.ConnectionString, "select id from kept"));

            // Starting again while it runs attaches to the running server.
            await using var third = await StartAsync(folder, persistent: true);
            Assert.Equal(port, third.Port);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Migrator_applies_every_migration_once_and_is_idempotent()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("migrate_twice");

        await SqlMigrator.MigrateAsync(connectionString, NullLogger.Instance);
        var firstRun = await AppliedAsync(connectionString);
        await SqlMigrator.MigrateAsync(connectionString, NullLogger.Instance);

        Assert.Equal(SqlMigrator.MigrationNames(), firstRun.Keys);
        Assert.Equal(firstRun, await AppliedAsync(connectionString));
        Assert.Equal(1L, await ScalarAsync<long>(
            connectionString, "select count(*) from pg_extension where extname = 'btree_gist'"));
    }

    [Fact]
    public async Task Racing_migrators_both_succeed_and_record_each_migration_once()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("migrate_race");

        await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => SqlMigrator.MigrateAsync(connectionString, NullLogger.Instance))));

        Assert.Equal(SqlMigrator.MigrationNames(), (await AppliedAsync(connectionString)).Keys);
    }

    [Fact]
    public void Migration_names_are_embedded_in_ordinal_order()
    {
        var names = SqlMigrator.MigrationNames();

        Assert.Contains("0001_initial", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Finds_the_machine_binaries_and_rejects_a_wrong_setting()
    {
        Assert.Null(PostgresCluster.FindBinDirectory("/nonexistent/postgresql/bin"));
        if (Environment.GetEnvironmentVariable("PG_BIN") is null)
        {
            var found = PostgresCluster.FindBinDirectory(null);
            Assert.NotNull(found);
            Assert.True(File.Exists(Path.Combine(found, "initdb")));
        }
    }

    internal static string NewFolder() => Path.Combine("/tmp", $"bookingportal-test-{Guid.NewGuid():N}");

    internal static Task<PostgresCluster> StartAsync(string folder, bool persistent, string? binDirectory = null) =>
        PostgresCluster.StartAsync(
            new PostgresClusterOptions
            {
                DataDirectory = folder,
                Persistent = persistent,
                BinDirectory = binDirectory,
                StopWhenProcessExits = true,
            },
            NullLogger.Instance,
            CancellationToken.None);

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<SortedDictionary<string, DateTime>> AppliedAsync(string connectionString)
    {
        var applied = new SortedDictionary<string, DateTime>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select version, applied_at from schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            applied.Add(reader.GetString(0), reader.GetDateTime(1));
        }

        return applied;
    }
}

/// <summary>Runs alone because it changes the process-wide PG_BIN variable that other tests read.</summary>
[CollectionDefinition(nameof(PostgresClusterEnvironmentTests), DisableParallelization = true)]
public sealed class PostgresClusterEnvironmentCollection;

[Collection(nameof(PostgresClusterEnvironmentTests))]
public sealed class PostgresClusterEnvironmentTests
{
    [Fact]
    public async Task Missing_binaries_give_one_clear_message()
    {
        var saved = Environment.GetEnvironmentVariable("PG_BIN");
        Environment.SetEnvironmentVariable("PG_BIN", "");
        try
        {
            var folder = PostgresClusterTests.NewFolder();
            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => PostgresClusterTests.StartAsync(folder, persistent: false, "/nonexistent/postgresql/bin"));

            Assert.Contains("ConnectionStrings__Booking", error.Message, StringComparison.Ordinal);
            Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
            Assert.Contains("PG_BIN", error.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(folder));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PG_BIN", saved);
        }
    }
}

public sealed class PostgresClusterFixtureTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Fixture_database_is_migrated_and_private_to_the_class()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select current_database(), (select count(*) from schema_migrations)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.StartsWith("t_fixture_", reader.GetString(0), StringComparison.Ordinal);
        Assert.Equal(SqlMigrator.MigrationNames().Count, reader.GetInt64(1));
    }
}
