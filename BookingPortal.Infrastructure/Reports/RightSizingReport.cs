using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

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
            (IReadOnlyList<RightSizingRow>)(await db.Database.SqlQueryRaw<Figures>(Sql, ReportScope.Parameters(query, WholeMonths(query))).ToListAsync(ct))
                .Select(f => new RightSizingRow(f.Id.ToString(), f.Name, f.Capacity, f.Meetings, f.UpToQuarter, f.UpToHalf, f.UpToThreeQuarters,
                    f.AboveThreeQuarters, f.MedianAttendees, f.P80Attendees, f.SmallerFitId?.ToString(), f.SmallerFitName, f.SmallerFitCapacity))
                .OrderBy(r => r.Name, ReportScope.ByName)
                .ToList(), ct);

    /// <summary>The calendar months wholly inside the period, <c>[first_month, last_month)</c>; empty when last ≤ first.</summary>
    private static NpgsqlParameter[] WholeMonths(ReportQuery query)
    {
        var first = query.From.Day == 1 ? query.From : new DateOnly(query.From.Year, query.From.Month, 1).AddMonths(1);
        return [new NpgsqlParameter("first_month", first), new NpgsqlParameter("last_month", new DateOnly(query.To.Year, query.To.Month, 1))];
    }

    /// <summary>Attendees × 4 against capacity × k keeps the bucket edges exact in integers.</summary>
    private const string Sql = $"""
        WITH chosen AS (SELECT r.id FROM resources r WHERE {ReportSql.Chosen}),
        -- Whole calendar months come from the monthly counts, the days around them from the daily rows. Counts per
        -- attendee number, not one row per meeting: the median and 80th percentile are the smallest numbers whose
        -- running total reaches half and four fifths of the meetings, which is percentile_disc's definition.
        histogram AS (
            SELECT x.resource_id, x.attendees, sum(x.meetings) AS meetings
            FROM (
                SELECT a.resource_id, a.attendees, a.meetings
                FROM report_usage_attendees a
                WHERE a.resource_id IN (SELECT id FROM chosen) AND a.month >= @first_month AND a.month < @last_month
                UNION ALL
                SELECT u.resource_id, a.attendees, 1
                FROM report_usage u
                CROSS JOIN LATERAL unnest(u.attendees) AS a(attendees)
                WHERE u.resource_id IN (SELECT id FROM chosen)
                  AND ((u.day >= @from_day AND u.day < @first_month) OR (u.day >= greatest(@first_month, @last_month) AND u.day < @to_day))
            ) x
            GROUP BY x.resource_id, x.attendees
        ),
        ranked AS (
            SELECT h.*, sum(h.meetings) OVER (PARTITION BY h.resource_id ORDER BY h.attendees) AS running,
                   sum(h.meetings) OVER (PARTITION BY h.resource_id) AS total
            FROM histogram h
        ),
        per_room AS (
            SELECT r.id, r.name, r.kind, r.capacity,
                   coalesce(sum(x.meetings), 0)::int AS meetings,
                   coalesce(sum(x.meetings) FILTER (WHERE x.attendees * 4 <= r.capacity), 0)::int AS up_to_quarter,
                   coalesce(sum(x.meetings) FILTER (WHERE x.attendees * 4 > r.capacity AND x.attendees * 4 <= r.capacity * 2), 0)::int AS up_to_half,
                   coalesce(sum(x.meetings) FILTER (WHERE x.attendees * 4 > r.capacity * 2 AND x.attendees * 4 <= r.capacity * 3), 0)::int
                       AS up_to_three_quarters,
                   coalesce(sum(x.meetings) FILTER (WHERE x.attendees * 4 > r.capacity * 3), 0)::int AS above_three_quarters,
                   min(x.attendees) FILTER (WHERE x.running * 2 >= x.total) AS median,
                   min(x.attendees) FILTER (WHERE x.running * 5 >= x.total * 4) AS p80
            FROM resources r
            LEFT JOIN ranked x ON x.resource_id = r.id
            WHERE r.id IN (SELECT id FROM chosen)
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
