using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>
/// Attendance of one group. <c>Held</c>: bookings that held the resource (confirmed, checked in, completed, no-show);
/// <c>Due</c>: those of them whose start and the location's grace period have passed, the only ones whose attendance
/// is known; rates are null where their denominator is 0. Cancellations are of bookings that held their slot,
/// bucketed by how long before the start they came.
/// </summary>
public sealed record AttendanceRow(string Key, string Name, int Held, int Cancelled, decimal? CancellationRate, int Due, int NoShows, decimal? NoShowRate,
    int CheckInDue, int Ghosts, decimal? GhostRate, int CancelledUnderHour, int CancelledUnderDay, int CancelledUnderWeek, int CancelledEarlier);

/// <summary>
/// Ghost, no-show and cancellation rates (SPEC §9) of bookings starting in the window, counted once per resource they
/// hold. A ghost is a due booking on a resource that requires check-in, never checked in (a no-show is one too);
/// cancellation rate = cancelled ÷ (held + cancelled). Withdrawn wait-list requests are not cancellations.
/// </summary>
public sealed class AttendanceReport(IDbContextFactory<BookingDbContext> contexts, TimeProvider time)
{
    private sealed record Figures(Guid Id, string Name, Guid FloorId, string FloorName, string Kind, int Held, int Cancelled, int Due, int NoShows,
        int CheckInDue, int Ghosts, int CancelledUnderHour, int CancelledUnderDay, int CancelledUnderWeek, int CancelledEarlier) : IResourceFigure;

    public Task<ReportResult<AttendanceRow>> RunAsync(ReportQuery query, Actor reader, CancellationToken ct = default) =>
        ReportScope.RunAsync(contexts, query, reader, async (db, location) =>
        {
            var figures = await db.Database.SqlQueryRaw<Figures>(Sql, ReportScope.Parameters(query, new NpgsqlParameter("now", time.GetUtcNow())))
                .ToListAsync(ct);
            return ReportScope.Grouped(figures, query, location, (key, name, group) =>
            {
                int Sum(Func<Figures, int> count) => group.Sum(count);
                var (held, cancelled, due, noShows, checkInDue, ghosts) =
                    (Sum(f => f.Held), Sum(f => f.Cancelled), Sum(f => f.Due), Sum(f => f.NoShows), Sum(f => f.CheckInDue), Sum(f => f.Ghosts));
                return new AttendanceRow(key, name, held, cancelled, ReportScope.Share(cancelled, held + cancelled), due, noShows,
                    ReportScope.Share(noShows, due), checkInDue, ghosts, ReportScope.Share(ghosts, checkInDue), Sum(f => f.CancelledUnderHour),
                    Sum(f => f.CancelledUnderDay), Sum(f => f.CancelledUnderWeek), Sum(f => f.CancelledEarlier));
            }, r => r.Name);
        }, ct);

    private const string Due = $"b.status IN {ReportSql.Holding} AND b.start_utc + loc.grace <= @now";

    private const string Sql = $"""
        WITH {ReportSql.Window}
        SELECT r.id AS "Id", r.name AS "Name", r.floor_id AS "FloorId", f.name AS "FloorName", r.kind AS "Kind",
               count(*) FILTER (WHERE b.status IN {ReportSql.Holding})::int AS "Held",
               count(c.at)::int AS "Cancelled",
               count(*) FILTER (WHERE {Due})::int AS "Due",
               count(*) FILTER (WHERE b.status = 'NoShow')::int AS "NoShows",
               count(*) FILTER (WHERE r.requires_check_in AND {Due})::int AS "CheckInDue",
               count(*) FILTER (WHERE r.requires_check_in AND {Due} AND b.checked_in_at IS NULL)::int AS "Ghosts",
               count(*) FILTER (WHERE b.start_utc - c.at < interval '1 hour')::int AS "CancelledUnderHour",
               count(*) FILTER (WHERE b.start_utc - c.at >= interval '1 hour' AND b.start_utc - c.at < interval '24 hours')::int AS "CancelledUnderDay",
               count(*) FILTER (WHERE b.start_utc - c.at >= interval '24 hours' AND b.start_utc - c.at < interval '7 days')::int AS "CancelledUnderWeek",
               count(*) FILTER (WHERE b.start_utc - c.at >= interval '7 days')::int AS "CancelledEarlier"
        FROM resources r
        JOIN floors f ON f.id = r.floor_id
        CROSS JOIN loc
        LEFT JOIN (allocations a JOIN bookings b ON b.id = a.booking_id)
               ON a.resource_id = r.id AND b.start_utc >= loc.window_start AND b.start_utc < loc.window_end
        LEFT JOIN LATERAL (
            SELECT h.at FROM booking_history h
            WHERE b.status = 'Cancelled' AND h.booking_id = b.id AND h.action = 'cancelled' AND h.from_status IN ('AwaitingApproval', 'Confirmed')
            ORDER BY h.at DESC LIMIT 1) c ON true
        WHERE {ReportSql.Chosen}
        GROUP BY r.id, f.name
        """;
}
