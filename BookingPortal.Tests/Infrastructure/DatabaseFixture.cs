using System.Text;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingPortal.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server of this test run: the one named by BOOKINGPORTAL_TEST_CONNECTION, or else one throwaway
/// cluster started on first use and shared by all test classes, each of which gets databases of its own.
/// </summary>
public static class TestDatabase
{
    public const string ConnectionVariable = "BOOKINGPORTAL_TEST_CONNECTION";

    private static readonly Lazy<Task<PostgresCluster>> LazyCluster =
        new(StartClusterAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string? ExternalServer =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value ? value : null;

    public static bool UsesExternalServer => ExternalServer is not null;

    /// <summary>The shared throwaway cluster, for tests that must restart the server; absent with an external server.</summary>
    public static Task<PostgresCluster> Cluster => UsesExternalServer
        ? throw new InvalidOperationException(
            $"{ConnectionVariable} is set, so the tests run against that server and start no cluster of their own.")
        : LazyCluster.Value;

    /// <summary>Connection string to a maintenance database of the server, for creating and dropping databases.</summary>
    public static async Task<string> ServerConnectionStringAsync() =>
        ExternalServer ?? (await Cluster.ConfigureAwait(false)).AdminConnectionString;

    /// <summary>Creates a brand-new, empty database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string? hint = null) =>
        await PostgresCluster.EnsureDatabaseAsync(
            await ServerConnectionStringAsync().ConfigureAwait(false), UniqueName(hint)).ConfigureAwait(false);

    /// <summary>Creates a brand-new database with a unique name, migrates it and returns its connection string.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(string? hint = null)
    {
        var connectionString = await CreateDatabaseAsync(hint).ConfigureAwait(false);
        await SqlMigrator.MigrateAsync(connectionString, NullLogger.Instance).ConfigureAwait(false);
        return connectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        NpgsqlConnection.ClearAllPools();
        var server = new NpgsqlConnectionStringBuilder(await ServerConnectionStringAsync().ConfigureAwait(false))
        {
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var drop = new NpgsqlCommand(
            $"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static string UniqueName(string? hint)
    {
        var prefix = new StringBuilder("t_");
        foreach (var c in (hint ?? "db").ToLowerInvariant())
        {
            if (prefix.Length >= 24)
            {
                break;
            }

            prefix.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        // At most 57 characters: within PostgreSQL's 63-byte identifier limit, so nothing gets silently truncated.
        return $"{prefix}_{Guid.NewGuid():N}";
    }

    private static async Task<PostgresCluster> StartClusterAsync()
    {
        var cluster = await PostgresCluster.StartAsync(
            new PostgresClusterOptions
            {
                DataDirectory = Path.Combine("/tmp", $"bookingportal-test-{Guid.NewGuid():N}"),
                Persistent = false,
                // The test host can be killed without running ProcessExit (timeouts, aborted runs).
                StopWhenProcessExits = true,
                // Test classes run side by side, each with its own app and pools, several firing 50+ requests at once.
                MaxConnections = 1000,
            },
            NullLogger.Instance,
            CancellationToken.None).ConfigureAwait(false);

        // xunit 2 has no assembly fixtures; process exit is the only point where every test class is done.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    }
}

/// <summary>A migrated database of its own for one test class: <c>IClassFixture&lt;DatabaseFixture&gt;</c>.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private string? _connectionString;

    public string ConnectionString =>
        _connectionString ?? throw new InvalidOperationException("The database fixture has not been initialized.");

    public async Task InitializeAsync() =>
        _connectionString = await TestDatabase.CreateMigratedDatabaseAsync("fixture").ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        // The throwaway cluster is deleted as a whole; only a shared external server would collect leftovers.
        if (_connectionString is not null && TestDatabase.UsesExternalServer)
        {
            await TestDatabase.DropDatabaseAsync(_connectionString).ConfigureAwait(false);
        }
    }
}
