using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>Records demand that was turned away, for <see cref="DemandReport"/>; bookings and their history record the rest.</summary>
public sealed class DemandLog(IDbContextFactory<BookingDbContext> contexts, TimeProvider time)
{
    /// <summary>A create refused with a conflict that did not join the wait list.</summary>
    public Task RecordRefusalAsync(Guid locationId, IReadOnlyCollection<Guid> resourceIds, TimeRange range, int attendees, CancellationToken ct = default) =>
        RecordAsync("conflict", locationId, resourceIds, null, range, attendees, ct);

    /// <summary>A room search of a location that found nothing free.</summary>
    public Task RecordEmptySearchAsync(Guid locationId, ResourceKind kind, TimeRange window, int attendees, CancellationToken ct = default) =>
        RecordAsync("empty_search", locationId, [], kind, window, attendees, ct);

    private async Task RecordAsync(string what, Guid locationId, IReadOnlyCollection<Guid> resourceIds, ResourceKind? kind, TimeRange range, int attendees,
        CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO unmet_demand (id, location_id, what, resource_ids, resource_kind, start_utc, end_utc, attendees, recorded_at)
            VALUES ({Guid.CreateVersion7()}, {locationId}, {what}, {resourceIds.ToArray()}, {kind?.ToString()}, {range.Start}, {range.End},
                    {attendees}, {time.GetUtcNow()})
            """, ct);
    }
}
