using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>
/// Demand not met for requests starting in the window, each request counted once however many resources it asked for:
/// conflicts refused (not wait-listed), wait-list joins and how many of them were promoted, and room searches that found
/// nothing. Searches name no resource, so only the kind filter applies to them.
/// </summary>
public sealed record DemandRow(int ConflictsRefused, int WaitlistJoins, int WaitlistPromoted, decimal? PromotionRate, int EmptySearches);

/// <summary>Demand not met (SPEC §9): one row for the location and filters.</summary>
public sealed class DemandReport(IDbContextFactory<BookingDbContext> contexts)
{
    private sealed record Figures(int ConflictsRefused, int WaitlistJoins, int WaitlistPromoted, int EmptySearches);

    public Task<ReportResult<DemandRow>> RunAsync(ReportQuery query, Actor reader, CancellationToken ct = default) =>
        ReportScope.RunAsync(contexts, query, reader, async (db, _) =>
        {
            var f = await db.Database.SqlQueryRaw<Figures>(Sql, ReportScope.Parameters(query)).SingleAsync(ct);
            return (IReadOnlyList<DemandRow>)[new DemandRow(f.ConflictsRefused, f.WaitlistJoins, f.WaitlistPromoted, ReportScope.Share(f.WaitlistPromoted, f.WaitlistJoins),
                f.EmptySearches)];
        }, ct, readsSummary: false);

    private const string Sql = $"""
        WITH {ReportSql.Window},
        chosen AS (SELECT r.id FROM resources r WHERE {ReportSql.Chosen}),
        joins AS (
            SELECT DISTINCT h.booking_id
            FROM chosen c
            JOIN allocations a ON a.resource_id = c.id
            JOIN bookings b ON b.id = a.booking_id
            JOIN booking_history h ON h.booking_id = b.id AND h.action = 'created' AND h.to_status = 'Pending'
            CROSS JOIN loc
            WHERE b.start_utc >= loc.window_start AND b.start_utc < loc.window_end
        ),
        demand AS (SELECT u.* FROM unmet_demand u CROSS JOIN loc
                   WHERE u.location_id = @location AND u.start_utc >= loc.window_start AND u.start_utc < loc.window_end)
        SELECT (SELECT count(*) FROM demand d WHERE d.what = 'conflict' AND d.resource_ids && ARRAY(SELECT id FROM chosen))::int AS "ConflictsRefused",
               (SELECT count(*) FROM joins)::int AS "WaitlistJoins",
               (SELECT count(*) FROM joins j WHERE EXISTS (SELECT 1 FROM booking_history h WHERE h.booking_id = j.booking_id AND h.action = 'promoted'))::int
                   AS "WaitlistPromoted",
               (SELECT count(*) FROM demand d WHERE d.what = 'empty_search' AND (@kind::text IS NULL OR d.resource_kind = @kind::text))::int AS "EmptySearches"
        """;
}
