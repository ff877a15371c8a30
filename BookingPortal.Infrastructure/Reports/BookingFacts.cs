using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>One booking on one of its resources; times are the location's wall clock, buffers excluded.</summary>
public sealed record BookingFactRow(Guid BookingId, Guid ResourceId, string ResourceName, string Kind, string FloorName, int Capacity, DateTime LocalStart,
    DateTime LocalEnd, string Status, bool CheckedIn, int Attendees, Guid? SeriesId);

/// <summary>Raw booking facts for the window: every booking starting in it, in any status, one row per resource it asked for.</summary>
public sealed class BookingFacts(IDbContextFactory<BookingDbContext> contexts)
{
    public Task<ReportResult<BookingFactRow>> RunAsync(ReportQuery query, Actor reader, CancellationToken ct = default) =>
        ReportScope.RunAsync(contexts, query, reader, async (db, _) =>
            (IReadOnlyList<BookingFactRow>)await db.Database.SqlQueryRaw<BookingFactRow>(Sql, ReportScope.Parameters(query)).ToListAsync(ct), ct,
            readsSummary: false);

    private const string Sql = $"""
        WITH {ReportSql.Window}
        SELECT b.id AS "BookingId", r.id AS "ResourceId", r.name AS "ResourceName", r.kind AS "Kind", f.name AS "FloorName", r.capacity AS "Capacity",
               b.start_utc AT TIME ZONE loc.tz AS "LocalStart", b.end_utc AT TIME ZONE loc.tz AS "LocalEnd", b.status AS "Status",
               b.checked_in_at IS NOT NULL AS "CheckedIn", b.attendee_count AS "Attendees", b.series_id AS "SeriesId"
        FROM resources r
        JOIN floors f ON f.id = r.floor_id
        CROSS JOIN loc
        JOIN allocations a ON a.resource_id = r.id
        JOIN bookings b ON b.id = a.booking_id
        WHERE {ReportSql.Chosen}
          AND b.start_utc >= loc.window_start AND b.start_utc < loc.window_end
        ORDER BY b.start_utc, r.name, b.id
        """;
}
