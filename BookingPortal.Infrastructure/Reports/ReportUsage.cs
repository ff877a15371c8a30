using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>
/// Keeps the reports' per-resource, per-day summary (migration 0015, ADR 015) current. Writes only mark days stale;
/// every report refreshes its location before it reads, so figures are exact, and a Quartz job refreshes every
/// location with marks so a report seldom has more than a few days to recompute.
/// </summary>
public sealed class ReportUsage(IDbContextFactory<BookingDbContext> contexts, ILogger<ReportUsage> logger)
{
    /// <summary>A location whose opening hours changed is rebuilt whole: about 40 s for a million bookings on two cores.</summary>
    private static readonly TimeSpan LongestRefresh = TimeSpan.FromMinutes(10);

    public async Task<int> RefreshStaleAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var stale = await db.Database.SqlQueryRaw<Guid>("""
            SELECT DISTINCT r.location_id AS "Value" FROM report_usage_stale s JOIN resources r ON r.id = s.resource_id
            UNION
            SELECT location_id FROM report_usage_stale_locations
            """).ToListAsync(ct);
        var refreshed = 0;
        foreach (var location in stale)
        {
            refreshed += await RefreshAsync(db, location, ct);
        }

        if (refreshed > 0)
        {
            logger.LogInformation("Report summary: {Days} resource-days recomputed at {Locations} locations", refreshed, stale.Count);
        }

        return refreshed;
    }

    internal static async Task<int> RefreshAsync(BookingDbContext db, Guid locationId, CancellationToken ct)
    {
        var timeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(LongestRefresh);
        try
        {
            return await db.Database.SqlQueryRaw<int>("""SELECT report_usage_refresh(@location) AS "Value" """,
                new NpgsqlParameter("location", locationId)).SingleAsync(ct);
        }
        finally
        {
            db.Database.SetCommandTimeout(timeout);
        }
    }
}
