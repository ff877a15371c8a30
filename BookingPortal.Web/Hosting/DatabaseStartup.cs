using BookingPortal.Infrastructure.Postgres;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// Decides which PostgreSQL the app talks to: the configured <c>ConnectionStrings:Booking</c>, or else a private
/// cluster started from the machine's server binaries in a local, git-ignored folder (the embedded default).
/// </summary>
internal static class DatabaseStartup
{
    public static async Task<(string ConnectionString, PostgresCluster? Embedded)> ResolveAsync(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Booking");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured, null);
        }

        using var loggers = LoggerFactory.Create(logging => logging.AddConsole());
        var logger = loggers.CreateLogger("BookingPortal.EmbeddedPostgres");
        var dataDirectory = builder.Configuration["EmbeddedDatabase:DataDirectory"]
                            ?? Path.Combine(builder.Environment.ContentRootPath, ".data", "postgres");
        var options = new PostgresClusterOptions
        {
            DataDirectory = Path.GetFullPath(dataDirectory),
            BinDirectory = builder.Configuration["PG_BIN"],
            Persistent = true,
            StopWhenProcessExits = true,
        };

        try
        {
            var cluster = await PostgresCluster.StartAsync(options, logger, CancellationToken.None);
            logger.LogInformation("Using the embedded PostgreSQL in {DataDirectory} on port {Port}", options.DataDirectory, cluster.Port);
            return (cluster.ConnectionString, cluster);
        }
        catch (InvalidOperationException e)
        {
            // One clear line for the person at the terminal instead of a stack trace.
            await Console.Error.WriteLineAsync($"BookingPortal cannot start: {e.Message}");
            throw;
        }
    }
}
