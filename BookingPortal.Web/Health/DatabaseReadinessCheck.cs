using System.Data.Common;
using BookingPortal.Web.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace BookingPortal.Web.Health;

/// <summary>Ready only when PostgreSQL answers a query, so a load balancer stops routing to an instance that cannot book.</summary>
internal sealed class DatabaseReadinessCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public const string Name = "database";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await ProbeAsync(dataSource, cancellationToken) is { } failure
            // Reported rather than thrown so the probe gets a plain 503 and the log keeps the reason.
            ? new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL is unreachable.", failure)
            : HealthCheckResult.Healthy();

    /// <summary>Null when PostgreSQL answers a query, else why not; shared with the outage banner's retries.</summary>
    public static async Task<Exception?> ProbeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is DbException || DatabaseOutage.IsOutage(exception))
        {
            return exception;
        }
    }
}
