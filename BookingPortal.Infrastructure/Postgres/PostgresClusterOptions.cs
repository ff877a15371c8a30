namespace BookingPortal.Infrastructure.Postgres;

public sealed class PostgresClusterOptions
{
    /// <summary>
    /// Folder that holds everything of the cluster: <c>pgdata/</c> (the PostgreSQL data directory),
    /// <c>run/</c> (unix socket), <c>log/</c>, and the password and port files.
    /// </summary>
    public required string DataDirectory { get; init; }

    /// <summary>Folder with initdb and pg_ctl; null = discover, see <see cref="PostgresCluster.FindBinDirectory"/>.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// true: reuse an existing cluster in <see cref="DataDirectory"/> and keep it on dispose;
    /// false: throwaway cluster (no fsync) whose folder is deleted on dispose.
    /// </summary>
    public bool Persistent { get; init; }

    public string DatabaseName { get; init; } = "booking";

    /// <summary>null = the port stored by an earlier run of a persistent cluster if free, else any free loopback port.</summary>
    public int? Port { get; init; }

    /// <summary>Room for every pool that talks to this cluster at once (the tests run many apps side by side).</summary>
    public int MaxConnections { get; init; } = 300;

    /// <summary>
    /// Spawns a detached watchdog that stops the cluster (and deletes a throwaway folder) once this process is gone,
    /// for hosts such as test runners that may kill the process before disposal gets a chance to run.
    /// </summary>
    public bool StopWhenProcessExits { get; init; }
}
