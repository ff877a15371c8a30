using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>Records demand that was turned away, for <see cref="DemandReport"/>; bookings and their history record the rest.</summary>
/// <remarks>
/// Recording is best effort: it runs after the user's answer is decided, in its own statement, and a failure is logged
/// and swallowed. A refused create has no transaction left to join (the failed insert ended it) and a search has none,
/// and a lost statistic is better than a refused booking answered with a 500.
/// </remarks>
public sealed class DemandLog(IDbContextFactory<BookingDbContext> contexts, TimeProvider time, ILogger<DemandLog>? logger = null)
{
    /// <summary>The same requester asking for exactly the same thing within this time is one request repeated, not new demand.</summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(10);

    private readonly ILogger logger = logger ?? NullLogger<DemandLog>.Instance;

    /// <summary>
    /// A create refused with a conflict that did not join the wait list; with a requester, counted once however often
    /// they retry it within <see cref="RepeatWindow"/>.
    /// </summary>
    public Task RecordRefusalAsync(Guid locationId, IReadOnlyCollection<Guid> resourceIds, TimeRange range, int attendees, string? requesterId = null,
        CancellationToken ct = default) =>
        RecordAsync("conflict", locationId, resourceIds, null, range, attendees, requesterId, ct);

    /// <summary>A room search of a location that found nothing free; with a searcher, counted once however often their page re-runs it.</summary>
    public Task RecordEmptySearchAsync(Guid locationId, ResourceKind kind, TimeRange window, int attendees, string? requesterId = null,
        CancellationToken ct = default) =>
        RecordAsync("empty_search", locationId, [], kind, window, attendees, requesterId, ct);

    private async Task RecordAsync(string what, Guid locationId, IReadOnlyCollection<Guid> resourceIds, ResourceKind? kind, TimeRange range, int attendees,
        string? requesterId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var ids = resourceIds.Distinct().Order().ToArray();
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            // One statement: two repeats racing each other may both land, which only over-counts by one in a rare case.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO unmet_demand (id, location_id, what, resource_ids, resource_kind, start_utc, end_utc, attendees, recorded_at, requester_id)
                SELECT {Guid.CreateVersion7()}, {locationId}, {what}, {ids}, {kind?.ToString()}, {range.Start}, {range.End}, {attendees}, {now}, {requesterId}
                WHERE {requesterId}::text IS NULL OR NOT EXISTS (
                    SELECT 1 FROM unmet_demand u
                    WHERE u.requester_id = {requesterId}::text AND u.recorded_at > {now - RepeatWindow} AND u.what = {what}
                      AND u.location_id = {locationId} AND u.resource_ids = {ids} AND u.resource_kind IS NOT DISTINCT FROM {kind?.ToString()}::text
                      AND u.start_utc = {range.Start} AND u.end_utc = {range.End} AND u.attendees = {attendees})
                """, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not record unmet demand ({What}) at location {LocationId}", what, locationId);
        }
    }
}
