using System.Net.Sockets;
using Npgsql;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// Tells an exception that means "PostgreSQL is unreachable or restarting" from every other failure, so the API can
/// answer 503 with Retry-After, the readiness probe can turn unhealthy and pages can show the outage banner.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>How long a client is asked to wait: a restart or fail-over of PostgreSQL typically takes a few seconds.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True when the exception, or anything it wraps (EF's DbUpdateException, RetryLimitExceededException and its
    /// "transient failure" InvalidOperationException, Npgsql's own wrappers), is a lost or refused connection.
    /// </summary>
    public static bool IsOutage(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Any(IsOutage);
            }

            if (IsConnectionFailure(current))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsConnectionFailure(Exception exception) => exception switch
    {
        // A server error is an outage only when it is about the connection or the server going away; a transient
        // serialization failure or deadlock is the engine's to retry, and anything else is a bug or a client error.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        // Npgsql marks I/O, socket and timeout failures (refused connect, reset, pool exhausted) as transient.
        NpgsqlException npgsql => npgsql.IsTransient,
        SocketException => true,
        _ => false,
    };
}
