using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BookingPortal.Infrastructure.Scheduling;

/// <summary>
/// The passes over bookings whose time has come. Each booking is reloaded and changed through its aggregate in a
/// transaction of its own behind the slot locks, and only if it still qualifies, so a pass can be re-run, overlap
/// another, or stop half-way without harm: a booking changed by someone else meanwhile is left to the next pass.
/// </summary>
public sealed class BookingSweeps(
    IDbContextFactory<BookingDbContext> contexts,
    ResourceSnapshots snapshots,
    BookingEngine engine,
    TimeProvider time,
    ILogger<BookingSweeps> logger)
{
    private const int BatchSize = 500;

    /// <summary>Backstop for the promotion that freeing a slot triggers at once.</summary>
    public async Task<int> PromoteWaitingAsync(CancellationToken ct)
    {
        var promoted = await engine.PromotePendingAsync(null, ct);
        Log("Promoted {Count} wait-listed request(s)", promoted);
        return promoted;
    }

    /// <summary>
    /// Confirmed bookings on resources that require check-in, not checked in by start + the location's grace period,
    /// become no-shows; their slot stops holding, and the wait list gets the rest of it in the same pass.
    /// </summary>
    public async Task<int> ReleaseNoShowsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<Guid> due;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            due = await db.Bookings.AsNoTracking()
                .Where(b => b.Status == BookingStatus.Confirmed && b.Start < now && b.Outside == null)
                .Where(b => b.Allocations.Any(a => db.Resources.Any(r => r.Id == a.ResourceId && r.Rules.RequiresCheckIn
                    && db.Locations.Any(l => l.Id == r.LocationId && b.Start + l.NoShowGracePeriod < now))))
                .OrderBy(b => b.Start).Select(b => b.Id).Take(BatchSize).ToListAsync(ct);
        }

        var released = 0;
        var freed = new HashSet<Guid>();
        foreach (var id in due)
        {
            var noShow = await ChangeAsync(id, (booking, requiresCheckIn, location) =>
                booking.Status == BookingStatus.Confirmed && requiresCheckIn && now > booking.CheckInClosesAt(location.NoShowGracePeriod)
                    ? () => booking.MarkNoShow(now, location.NoShowGracePeriod, requiresCheckIn)
                    : null, ct);
            if (noShow is not null)
            {
                released++;
                freed.UnionWith(noShow.ResourceIds);
            }
        }

        Log("Released {Count} no-show booking(s)", released);
        if (freed.Count > 0)
        {
            await engine.PromotePendingAsync(freed, ct);
        }

        return released;
    }

    /// <summary>Ended bookings that were checked in, or confirmed where no resource requires check-in, become completed.</summary>
    public async Task<int> CompleteEndedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<Guid> due;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            due = await db.Bookings.AsNoTracking()
                .Where(b => b.End <= now)
                .Where(b => b.Status == BookingStatus.CheckedIn
                    || (b.Status == BookingStatus.Confirmed
                        && (b.Outside != null || !b.Allocations.Any(a => db.Resources.Any(r => r.Id == a.ResourceId && r.Rules.RequiresCheckIn)))))
                .OrderBy(b => b.End).Select(b => b.Id).Take(BatchSize).ToListAsync(ct);
        }

        var completed = 0;
        foreach (var id in due)
        {
            var done = await ChangeAsync(id, (booking, requiresCheckIn, _) =>
                booking.End <= now && (booking.Status == BookingStatus.CheckedIn
                    || (booking.Status == BookingStatus.Confirmed && (!requiresCheckIn || booking.Outside is not null)))
                    ? () => booking.Complete(now, requiresCheckIn)
                    : null, ct);
            completed += done is null ? 0 : 1;
        }

        Log("Completed {Count} ended booking(s)", completed);
        return completed;
    }

    /// <summary>
    /// Wait-listed requests whose start has passed without a free slot expire, and so do requests still awaiting approval
    /// at their start: nobody decided in time, so the slot they held goes to the wait list (for what is left of it).
    /// </summary>
    public async Task<int> ExpireStaleRequestsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<Guid> due;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            due = await db.Bookings.AsNoTracking()
                .Where(b => (b.Status == BookingStatus.Pending || b.Status == BookingStatus.AwaitingApproval) && b.Start <= now)
                .OrderBy(b => b.Start).Select(b => b.Id).Take(BatchSize).ToListAsync(ct);
        }

        var expired = 0;
        var freed = new HashSet<Guid>();
        foreach (var id in due)
        {
            var done = await ChangeAsync(id, (booking, _, _) =>
                booking.Status is BookingStatus.Pending or BookingStatus.AwaitingApproval && booking.Start <= now ? () => booking.Expire(now) : null, ct);
            if (done is null)
            {
                continue;
            }

            expired++;
            // Only a request awaiting approval held its slot; a wait-listed one frees nothing.
            if (done.History.Last().FromStatus == BookingStatus.AwaitingApproval)
            {
                freed.UnionWith(done.ResourceIds);
            }
        }

        Log("Expired {Count} request(s) wait-listed or awaiting approval past their start", expired);
        if (freed.Count > 0)
        {
            await engine.PromotePendingAsync(freed, ct);
        }

        return expired;
    }

    /// <summary>
    /// Reloads one booking and applies the change <paramref name="decide"/> returns for it, or nothing when it returns
    /// null (the booking no longer qualifies). Returns the changed booking, or null when nothing was saved.
    /// </summary>
    private async Task<Booking?> ChangeAsync(Guid bookingId, Func<Booking, bool, Location, Action?> decide, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var booking = await db.Bookings.Include(b => b.Allocations).FirstOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null)
        {
            return null;
        }

        var resourceIds = booking.ResourceIds.ToList();
        var (resources, location) = await snapshots.GetAsync(db, resourceIds, ct);
        if (location is null || decide(booking, resources.Any(r => r.Rules.RequiresCheckIn), location) is not { } change)
        {
            return null;
        }

        change();
        try
        {
            await SlotLocks.SaveAsync(db, resourceIds, ct);
            booking.ClearDomainEvents();
            return booking;
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogDebug("Booking {BookingId} changed while a sweep looked at it; the next pass decides again", bookingId);
            return null;
        }
    }

    private void Log(string message, int count)
    {
        if (count > 0)
        {
            logger.LogInformation(message, count);
        }
    }
}
