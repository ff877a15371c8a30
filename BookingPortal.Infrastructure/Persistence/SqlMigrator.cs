using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingPortal.Infrastructure.Persistence;

/// <summary>
/// Applies the SQL files embedded from <c>Migrations/*.sql</c>, in ordinal order of their names, each in its own
/// transaction, and records them in <c>schema_migrations</c>. EF Core migrations cannot be generated on this
/// project's machines (Microsoft.EntityFrameworkCore.Design does not restore), hence plain SQL.
/// </summary>
public static class SqlMigrator
{
    // Any constant works as long as nothing else in the database takes the same advisory lock; this one spells
    // "BookPort" in ASCII.
    private const long AdvisoryLockKey = 0x426F6F6B506F7274;

    private const string ResourceFolder = "Migrations.";
    private const string Extension = ".sql";

    private static readonly Assembly MigrationAssembly = typeof(SqlMigrator).Assembly;

    /// <summary>
    /// Versions of the embedded migrations in the order they are applied: file names without <c>.sql</c>
    /// (e.g. <c>0001_initial</c>), as recorded in <c>schema_migrations.version</c>.
    /// </summary>
    public static IReadOnlyList<string> MigrationNames() =>
        FindMigrations().Select(migration => migration.Version).ToList();

    /// <param name="upTo">Stop after this version; the upgrade tests use it to build a database of an older release.</param>
    public static async Task MigrateAsync(string connectionString, ILogger logger, CancellationToken ct = default, string? upTo = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var migrations = FindMigrations()
            .Where(migration => upTo is null || string.CompareOrdinal(migration.Version, upTo) <= 0)
            .ToList();

        // A dedicated unpooled session: the advisory lock belongs to the session, and a pooled connection returned
        // while still holding it would block every other migrator until that physical connection closed.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);

        // A second instance starting at the same time waits here, then finds everything applied.
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", ct).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, ct).ConfigureAwait(false);

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var query = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await query.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            var pending = migrations.Where(migration => !applied.Contains(migration.Version)).ToList();
            if (pending.Count == 0)
            {
                logger.LogInformation("Database schema is up to date ({Count} migrations applied)", applied.Count);
                return;
            }

            foreach (var migration in pending)
            {
                logger.LogInformation("Applying migration {Version}", migration.Version);
                var sql = await ReadResourceAsync(migration.ResourceName, ct).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, sql, ct).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (version) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
                    await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }

            // A migration may create types (enums, extensions) that Npgsql has to learn before it can map them.
            await connection.ReloadTypesAsync(ct).ConfigureAwait(false);
            logger.LogInformation("Applied {Count} migration(s)", pending.Count);
        }
        finally
        {
            // Closing the session would release the lock too; unlocking explicitly keeps that obvious, and must not
            // be cancelled, or a caller's cancellation would leave the lock to the connection teardown.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None)
                    .ConfigureAwait(false);
            }
        }
    }

    private static List<(string Version, string ResourceName)> FindMigrations()
    {
        // Resource names are "<root namespace>.Migrations.<file name>"; the root namespace is not assumed.
        return MigrationAssembly.GetManifestResourceNames()
            .Select(name => (Name: name, Index: name.IndexOf(ResourceFolder, StringComparison.Ordinal)))
            .Where(entry => entry.Index >= 0 && entry.Name.EndsWith(Extension, StringComparison.Ordinal))
            .Select(entry => (
                Version: entry.Name[(entry.Index + ResourceFolder.Length)..^Extension.Length],
                ResourceName: entry.Name))
            .OrderBy(migration => migration.Version, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<string> ReadResourceAsync(string resourceName, CancellationToken ct)
    {
        await using var stream = MigrationAssembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded migration '{resourceName}' is missing.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        // No command timeout: waiting for another instance's lock, or a long data migration, is expected.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
