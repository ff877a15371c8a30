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

    /// <summary>
    /// How many of a day's ascending starts are due: at most now − grace. Written out rather than a function so
    /// PostgreSQL evaluates it inline; most days lie wholly on one side of the cutoff.
    /// </summary>
    private static string Due(string starts) =>
        $"CASE WHEN cardinality({starts}) = 0 OR {starts}[1] > @now - loc.grace THEN 0 "
        + $"WHEN {starts}[cardinality({starts})] <= @now - loc.grace THEN cardinality({starts}) "
        + $"ELSE (SELECT count(*) FROM unnest({starts}) s WHERE s <= @now - loc.grace) END";

    private static readonly string Sql = $"""
        WITH {ReportSql.Window},
        chosen AS (
            SELECT r.id, r.name, r.floor_id, f.name AS floor_name, r.kind, r.requires_check_in
            FROM resources r
            JOIN floors f ON f.id = r.floor_id
            WHERE {ReportSql.Chosen}
        ),
        days AS (
            SELECT u.resource_id,
                   sum(cardinality(u.starts)) AS held,
                   sum(u.cancelled) AS cancelled,
                   sum({Due("u.starts")}) AS due,
                   sum(u.no_shows) AS no_shows,
                   sum({Due("u.unchecked")}) AS unchecked_due,
                   sum(u.cancelled_under_hour) AS under_hour,
                   sum(u.cancelled_under_day) AS under_day,
                   sum(u.cancelled_under_week) AS under_week,
                   sum(u.cancelled_earlier) AS earlier
            FROM report_usage u
            CROSS JOIN loc
            WHERE {ReportSql.UsageInWindow}
            GROUP BY u.resource_id
        )
        SELECT c.id AS "Id", c.name AS "Name", c.floor_id AS "FloorId", c.floor_name AS "FloorName", c.kind AS "Kind",
               coalesce(d.held, 0)::int AS "Held",
               coalesce(d.cancelled, 0)::int AS "Cancelled",
               coalesce(d.due, 0)::int AS "Due",
               coalesce(d.no_shows, 0)::int AS "NoShows",
               CASE WHEN c.requires_check_in THEN coalesce(d.due, 0) ELSE 0 END::int AS "CheckInDue",
               CASE WHEN c.requires_check_in THEN coalesce(d.unchecked_due, 0) ELSE 0 END::int AS "Ghosts",
               coalesce(d.under_hour, 0)::int AS "CancelledUnderHour",
               coalesce(d.under_day, 0)::int AS "CancelledUnderDay",
               coalesce(d.under_week, 0)::int AS "CancelledUnderWeek",
               coalesce(d.earlier, 0)::int AS "CancelledEarlier"
        FROM chosen c
        LEFT JOIN days d ON d.resource_id = c.id
        """;
}
