using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingPortal.Benchmarks;

/// <summary>The database under test: a configured server, or a throwaway cluster that lives as long as this process.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly PostgresCluster? _cluster;

    private BenchDatabase(string connectionString, string description, PostgresCluster? cluster)
    {
        ConnectionString = connectionString;
        Description = description;
        _cluster = cluster;
    }

    public string ConnectionString { get; }

    public string Description { get; }

    /// <summary>The throwaway cluster this run started, which a run may stop and start; null for a configured server.</summary>
    public PostgresCluster? Cluster => _cluster;

    public static async Task<BenchDatabase> OpenAsync(ILogger logger, CancellationToken ct)
    {
        var configured = Environment.GetEnvironmentVariable("BENCH_CONNECTION") is { Length: > 0 } bench ? bench
            : Environment.GetEnvironmentVariable("ConnectionStrings__Booking") is { Length: > 0 } booking ? booking
            : null;
        BenchDatabase database;
        if (configured is not null)
        {
            var host = new NpgsqlConnectionStringBuilder(configured);
            database = new BenchDatabase(configured, $"configured server {host.Host}:{host.Port}/{host.Database}", null);
        }
        else
        {
            // Short and fresh: the unix socket path has a length limit, and a throwaway cluster refuses a used folder.
            var root = Path.Combine(Path.GetTempPath(), $"bpbench-{Guid.NewGuid():N}"[..16]);
            var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions
            {
                DataDirectory = root,
                Persistent = false,
                StopWhenProcessExits = true,
                DatabaseName = "booking_bench",
            }, logger, ct);
            database = new BenchDatabase(cluster.ConnectionString, $"throwaway cluster (fsync off) on 127.0.0.1:{cluster.Port}", cluster);
        }

        await SqlMigrator.MigrateAsync(database.ConnectionString, logger, ct);
        return database;
    }

    public async Task<string> ServerVersionAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        return connection.PostgreSqlVersion.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
