using System.Diagnostics;
using BookingPortal.Infrastructure.Postgres;

namespace BookingPortal.Tests.Support;

/// <summary>
/// Takes a test's own PostgreSQL cluster away the way a crash does (immediate mode: no checkpoint, every session cut)
/// and brings it back with the options it was started with.
/// </summary>
public static class PostgresOutage
{
    public static async Task StopImmediatelyAsync(PostgresCluster cluster)
    {
        var pgCtl = Path.Combine(PostgresCluster.FindBinDirectory(null)
            ?? throw new InvalidOperationException("No PostgreSQL binaries were found."), "pg_ctl");
        // PostgreSQL refuses root, and the test runs as root in CI containers.
        string[] commandLine = Environment.UserName == "root"
            ? ["runuser", "-u", "postgres", "--", pgCtl, "-D", cluster.PgDataDirectory, "-m", "immediate", "-w", "stop"]
            : [pgCtl, "-D", cluster.PgDataDirectory, "-m", "immediate", "-w", "stop"];
        var info = new ProcessStartInfo(commandLine[0]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in commandLine.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl stop -m immediate failed: {output}");
        }
    }

    /// <summary>pg_ctl restart starts a stopped server with the options recorded at its first start (same port).</summary>
    public static Task StartAgainAsync(PostgresCluster cluster) => cluster.RestartAsync();
}
