using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>
/// One resource's meetings by attendees ÷ capacity (up to a quarter, a half, three quarters, above), the median and
/// 80th-percentile attendee counts, and the smallest other resource of the same kind at the location that would
/// seat that 80th-percentile meeting while being smaller — null where none does or nothing was held.
/// </summary>
public sealed record RightSizingRow(string Key, string Name, int Capacity, int Meetings, int UpToQuarter, int UpToHalf, int UpToThreeQuarters,
    int AboveThreeQuarters, int? MedianAttendees, int? P80Attendees, string? SmallerFitKey, string? SmallerFitName, int? SmallerFitCapacity);

/// <summary>Right-sizing (SPEC §9), per resource, over the held bookings (confirmed, checked in, completed, no-show) starting in the window.</summary>
public sealed class RightSizingReport(IDbContextFactory<BookingDbContext> contexts)
{
    private sealed record Figures(Guid Id, string Name, int Capacity, int Meetings, int UpToQuarter, int UpToHalf, int UpToThreeQuarters,
        int AboveThreeQuarters, int? MedianAttendees, int? P80Attendees, Guid? SmallerFitId, string? SmallerFitName, int? SmallerFitCapacity);

    public Task<ReportResult<RightSizingRow>> RunAsync(ReportQuery query, Actor reader, CancellationToken ct = default) =>
        ReportScope.RunAsync(contexts, query, reader, async (db, _) =>
            (IReadOnlyList<RightSizingRow>)(await db.Database.SqlQueryRaw<Figures>(Sql, ReportScope.Parameters(query)).ToListAsync(ct))
                .Select(f => new RightSizingRow(f.Id.ToString(), f.Name, f.Capacity, f.Meetings, f.UpToQuarter, f.UpToHalf, f.UpToThreeQuarters,
                    f.AboveThreeQuarters, f.MedianAttendees, f.P80Attendees, f.SmallerFitId?.ToString(), f.SmallerFitName, f.SmallerFitCapacity))
                .OrderBy(r => r.Name, ReportScope.ByName)
                .ToList(), ct);

    /// <summary>Attendees × 4 against capacity × k keeps the bucket edges exact in integers.</summary>
    private const string Sql = $"""
        WITH {ReportSql.Window},
        per_room AS (
            SELECT r.id, r.name, r.kind, r.capacity,
                   count(b.id)::int AS meetings,
                   count(*) FILTER (WHERE b.attendee_count * 4 <= r.capacity)::int AS up_to_quarter,
                   count(*) FILTER (WHERE b.attendee_count * 4 > r.capacity AND b.attendee_count * 4 <= r.capacity * 2)::int AS up_to_half,
                   count(*) FILTER (WHERE b.attendee_count * 4 > r.capacity * 2 AND b.attendee_count * 4 <= r.capacity * 3)::int AS up_to_three_quarters,
                   count(*) FILTER (WHERE b.attendee_count * 4 > r.capacity * 3)::int AS above_three_quarters,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY b.attendee_count) AS median,
                   percentile_disc(0.8) WITHIN GROUP (ORDER BY b.attendee_count) AS p80
            FROM resources r
            CROSS JOIN loc
            LEFT JOIN (allocations a JOIN bookings b ON b.id = a.booking_id AND b.status IN {ReportSql.Holding})
                   ON a.resource_id = r.id AND b.start_utc >= loc.window_start AND b.start_utc < loc.window_end
            WHERE {ReportSql.Chosen}
            GROUP BY r.id
        )
        SELECT p.id AS "Id", p.name AS "Name", p.capacity AS "Capacity", p.meetings AS "Meetings", p.up_to_quarter AS "UpToQuarter",
               p.up_to_half AS "UpToHalf", p.up_to_three_quarters AS "UpToThreeQuarters", p.above_three_quarters AS "AboveThreeQuarters",
               p.median AS "MedianAttendees", p.p80 AS "P80Attendees",
               s.id AS "SmallerFitId", s.name AS "SmallerFitName", s.capacity AS "SmallerFitCapacity"
        FROM per_room p
        LEFT JOIN LATERAL (
            SELECT o.id, o.name, o.capacity FROM resources o
            WHERE o.location_id = @location AND o.kind = p.kind AND o.is_active AND o.id <> p.id
              AND o.capacity >= p.p80 AND o.capacity < p.capacity
            ORDER BY o.capacity, o.name LIMIT 1) s ON true
        """;
}
