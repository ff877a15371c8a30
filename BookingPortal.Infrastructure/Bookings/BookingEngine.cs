using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingPortal.Infrastructure.Bookings;

/// <summary>
/// Every change to a booking goes through here, one transaction per operation. The exclusion constraint on
/// allocations decides races; this service turns its verdict and the domain's rules into <see cref="BookingResult"/>s.
/// </summary>
public sealed partial class BookingEngine(IDbContextFactory<BookingDbContext> contexts, ResourceSnapshots snapshots, TimeProvider time, ILogger<BookingEngine> logger,
    DemandLog demand)
{
    private const string ExclusionViolation = "23P01";
    private const string UniqueViolation = "23505";
    private const int AttemptsWhenDeadlocked = 4;

    private readonly WaitlistPromotion waitlist = new(contexts);

    public Task<BookingResult> CreateAsync(CreateBookingCommand command, Actor actor, CancellationToken ct = default) =>
        RetryWhenDeadlockedAsync(() => CreateOnceAsync(command, actor, ct), ct);

    public Task<BookingResult> ChangeAsync(ChangeBookingCommand command, Actor actor, CancellationToken ct = default) =>
        RetryWhenDeadlockedAsync(() => ChangeOnceAsync(command, actor, ct), ct);

    private async Task<BookingResult> CreateOnceAsync(CreateBookingCommand command, Actor actor, CancellationToken ct)
    {
        var resourceIds = command.ResourceIds ?? [];
        var errors = CheckRequest(command);
        var requestHash = command.IdempotencyKey is null ? null : Fingerprint(command);
        await using var db = await contexts.CreateDbContextAsync(ct);
        // One physical connection for the whole operation: each implicit open/close would reset it in the pool.
        await db.Database.OpenConnectionAsync(ct);
        if (command.IdempotencyKey is not null && await ReplayAsync(db, actor, command.IdempotencyKey, requestHash!, ct) is { } replay)
        {
            return replay;
        }

        var (resources, location) = await snapshots.GetAsync(db, resourceIds, ct);
        errors.Merge(BookingPolicy.CheckResources(resourceIds, resources));
        if (!errors.IsEmpty || location is null)
        {
            return new BookingResult.Invalid(errors.ToDictionary());
        }

        var range = new TimeRange(command.Start, command.End);
        var now = time.GetUtcNow();
        errors.Merge(BookingPolicy.CheckSlot(range, command.AttendeeCount, resources, location, now));
        if (!errors.IsEmpty)
        {
            return new BookingResult.Invalid(errors.ToDictionary());
        }

        var booking = Booking.Place(Guid.CreateVersion7(), actor, command.Title!, command.AttendeeCount, range, resources, now,
            command.IdempotencyKey, requestHash);
        db.Bookings.Add(booking);
        // Inserts only: EF sends the booking, its allocations and its history as one batch, which PostgreSQL runs as
        // one implicit transaction. Skipping BEGIN/COMMIT saves a round trip and lets racing losers learn sooner.
        db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        try
        {
            await SlotLocks.SaveAsync(db, booking.ResourceIds, ct);
            return new BookingResult.Success(BookingSnapshot.Of(booking));
        }
        catch (DbUpdateException e) when (IsViolation(e, UniqueViolation) && command.IdempotencyKey is not null)
        {
            // The same request raced itself: the other attempt stored it first.
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, actor, command.IdempotencyKey, requestHash!, ct)
                ?? throw new InvalidOperationException("An idempotency key collided but its booking is gone.", e);
        }
        catch (DbUpdateException e) when (IsViolation(e, ExclusionViolation))
        {
            logger.LogDebug("Slot taken for {ResourceIds} {Range}", resourceIds, range);
        }

        db.ChangeTracker.Clear();
        var details = await ConflictAdvisor.ExplainAsync(db, snapshots, resources, location, range, command.AttendeeCount,
            command.RequiredFeatures ?? [], null, now, ct);
        if (!command.JoinWaitlist || !details.CanJoinWaitlist)
        {
            // Replays were answered above and never get here; a retry of this refusal by the same person counts once.
            await demand.RecordRefusalAsync(location.Id, resources.Select(r => r.Id).ToList(), range, command.AttendeeCount, actor.UserId, ct);
            return new BookingResult.Conflict(details);
        }

        var waiting = Booking.JoinWaitlist(Guid.CreateVersion7(), actor, command.Title!, command.AttendeeCount, range, resources, now,
            command.IdempotencyKey, requestHash);
        db.Bookings.Add(waiting);
        await db.SaveChangesAsync(ct);
        return new BookingResult.Queued(BookingSnapshot.Of(waiting));
    }

    /// <summary>What a create request must get right before anything is read.</summary>
    private static ValidationErrors CheckRequest(CreateBookingCommand command)
    {
        var errors = BookingPolicy.CheckDetails(command.Title, command.AttendeeCount);
        if (command.End <= command.Start)
        {
            errors.Add("end", "The end must be after the start.");
        }

        if (command.IdempotencyKey is { Length: > 200 })
        {
            errors.Add("idempotencyKey", "The idempotency key can be at most 200 characters.");
        }

        return errors;
    }

    private async Task<BookingResult> ChangeOnceAsync(ChangeBookingCommand command, Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var booking = await LoadForWriteAsync(db, command.BookingId, ct);
        if (booking is null)
        {
            return new BookingResult.NotFound();
        }

        if (booking.OwnerId != actor.UserId && !actor.IsAdmin)
        {
            return new BookingResult.Forbidden("Only the owner or an admin can change this booking.");
        }

        if (command.ExpectedVersion is { } expected && expected != booking.Version)
        {
            return new BookingResult.Stale(booking.Version);
        }

        if (booking.Status is not (BookingStatus.Pending or BookingStatus.AwaitingApproval or BookingStatus.Confirmed))
        {
            return new BookingResult.Refused($"A {booking.Status} booking can no longer be changed.");
        }

        var errors = BookingPolicy.CheckDetails(command.Title ?? booking.Title, command.AttendeeCount ?? booking.AttendeeCount);
        var start = command.Start ?? booking.Start;
        var end = command.End ?? booking.End;
        if (end <= start)
        {
            errors.Add("end", "The end must be after the start.");
        }

        var resourceIds = command.ResourceIds ?? booking.ResourceIds.ToList();
        var (resources, location) = await snapshots.GetAsync(db, resourceIds, ct);
        errors.Merge(BookingPolicy.CheckResources(resourceIds, resources));
        if (!errors.IsEmpty || location is null)
        {
            return new BookingResult.Invalid(errors.ToDictionary());
        }

        var range = new TimeRange(start, end);
        var now = time.GetUtcNow();
        var moves = range != booking.Range || !resourceIds.Order().SequenceEqual(booking.ResourceIds.Order());
        var attendeeCount = command.AttendeeCount ?? booking.AttendeeCount;
        if (moves || attendeeCount != booking.AttendeeCount)
        {
            errors.Merge(BookingPolicy.CheckSlot(range, attendeeCount, resources, location, now));
            if (!errors.IsEmpty)
            {
                return new BookingResult.Invalid(errors.ToDictionary());
            }
        }

        var freed = booking.ResourceIds.ToList();
        booking.Edit(actor, now, command.Title, command.AttendeeCount);
        if (moves)
        {
            booking.Reschedule(actor, now, range, resources);
        }

        // A move locks the resources it leaves too: two bookings swapping rooms would otherwise each wait, inside the
        // exclusion check, for the other's old row.
        if (await SaveAsync(db, booking, freed, ct) is { } failure)
        {
            return failure is SaveFailure.Conflict
                ? new BookingResult.Conflict(await ExplainAfterFailureAsync(resources, location, range, attendeeCount, booking.Id, now, ct))
                : new BookingResult.Stale(await CurrentVersionAsync(booking.Id, ct));
        }

        if (moves && booking.Status.HoldsSlot())
        {
            await PromotePendingAsync(freed, ct);
        }

        return new BookingResult.Success(BookingSnapshot.Of(booking));
    }

    public Task<BookingResult> CancelAsync(Guid bookingId, Actor actor, string? reason, uint? expectedVersion = null, CancellationToken ct = default) =>
        TransitionAsync(bookingId, actor, expectedVersion,
            (booking, location) => booking.OwnerId == actor.UserId || actor.OperatesAt(location.Id) ? null
                : "Only the owner, an operator of this location or an admin can cancel this booking.",
            (booking, _, now) => booking.Cancel(actor, now, Trim(reason)), ct);

    public Task<BookingResult> CheckInAsync(Guid bookingId, Actor actor, CancellationToken ct = default) =>
        TransitionAsync(bookingId, actor, null,
            (booking, location) => booking.OwnerId == actor.UserId || actor.OperatesAt(location.Id) ? null
                : "Only the owner, an operator of this location or an admin can check in.",
            (booking, location, now) => booking.CheckIn(actor, now, location.NoShowGracePeriod), ct);

    /// <summary>
    /// An operator releases the slot of an attendee who did not come: only where a resource requires check-in, and only
    /// once the grace period is over (the scheduler would release it then anyway).
    /// </summary>
    public async Task<BookingResult> MarkNoShowAsync(Guid bookingId, Actor actor, CancellationToken ct = default)
    {
        bool requiresCheckIn;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            requiresCheckIn = await db.Allocations.AnyAsync(a => a.BookingId == bookingId
                && db.Resources.Any(r => r.Id == a.ResourceId && r.Rules.RequiresCheckIn), ct);
        }

        return await TransitionAsync(bookingId, actor, null,
            (_, location) => actor.OperatesAt(location.Id) ? null : "Only an operator of this location or an admin can mark a no-show.",
            (booking, location, now) => booking.MarkNoShow(now, location.NoShowGracePeriod, requiresCheckIn, actor), ct);
    }

    public Task<BookingResult> ApproveAsync(Guid bookingId, Actor actor, string? note = null, CancellationToken ct = default) =>
        TransitionAsync(bookingId, actor, null,
            (_, _) => actor.IsAdmin ? null : "Only an admin can approve bookings.",
            (booking, _, now) => booking.Approve(actor, now, Trim(note)), ct);

    public Task<BookingResult> RejectAsync(Guid bookingId, Actor actor, string? reason, CancellationToken ct = default) =>
        TransitionAsync(bookingId, actor, null,
            (_, _) => actor.IsAdmin ? null : "Only an admin can reject bookings.",
            (booking, _, now) => booking.Reject(actor, now, Trim(reason)), ct);

    /// <summary>
    /// Gives freed slots to wait-listed requests, oldest request first (see <see cref="WaitlistPromotion"/>). Each group
    /// of requests sharing resources is one transaction, so two passes running at once cannot promote into one slot.
    /// </summary>
    public async Task<int> PromotePendingAsync(IReadOnlyCollection<Guid>? resourceIds = null, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var promoted = 0;
        foreach (var group in await waitlist.GroupsAsync(resourceIds, now, ct))
        {
            promoted += await RetryWhenDeadlockedAsync(() => waitlist.PromoteAsync(group, now, ct), ct);
        }

        return promoted;
    }

    private Task<BookingResult> TransitionAsync(Guid bookingId, Actor actor, uint? expectedVersion,
        Func<Booking, Location, string?> forbidden, Action<Booking, Location, DateTimeOffset> change, CancellationToken ct) =>
        RetryWhenDeadlockedAsync(() => TransitionOnceAsync(bookingId, actor, expectedVersion, forbidden, change, ct), ct);

    private async Task<BookingResult> TransitionOnceAsync(Guid bookingId, Actor actor, uint? expectedVersion,
        Func<Booking, Location, string?> forbidden, Action<Booking, Location, DateTimeOffset> change, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var booking = await LoadForWriteAsync(db, bookingId, ct);
        if (booking is null)
        {
            return new BookingResult.NotFound();
        }

        var resourceIds = booking.ResourceIds.ToList();
        var (_, knownLocation) = await snapshots.GetAsync(db, resourceIds, ct);
        var location = knownLocation ?? throw new InvalidOperationException($"Booking {bookingId} has no resources.");
        if (forbidden(booking, location) is { } reason)
        {
            return new BookingResult.Forbidden(reason);
        }

        if (expectedVersion is { } expected && expected != booking.Version)
        {
            return new BookingResult.Stale(booking.Version);
        }

        var heldBefore = booking.Status.HoldsSlot();
        try
        {
            change(booking, location, time.GetUtcNow());
        }
        catch (InvalidBookingTransitionException e)
        {
            return new BookingResult.Refused(e.Message);
        }

        if (await SaveAsync(db, booking, [], ct) is { } failure)
        {
            return failure is SaveFailure.Stale
                ? new BookingResult.Stale(await CurrentVersionAsync(bookingId, ct))
                : new BookingResult.Refused("The slot is no longer free.");
        }

        if (heldBefore && !booking.Status.HoldsSlot())
        {
            await PromotePendingAsync(resourceIds, ct);
        }

        return new BookingResult.Success(BookingSnapshot.Of(booking));
    }

    private enum SaveFailure
    {
        Conflict,
        Stale,
    }

    private static async Task<SaveFailure?> SaveAsync(BookingDbContext db, Booking booking, IEnumerable<Guid> releasedIds, CancellationToken ct)
    {
        try
        {
            await SlotLocks.SaveAsync(db, booking.ResourceIds.Concat(releasedIds), ct);
            booking.ClearDomainEvents();
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return SaveFailure.Stale;
        }
        catch (DbUpdateException e) when (IsViolation(e, ExclusionViolation))
        {
            return SaveFailure.Conflict;
        }
    }

    private async Task<ConflictDetails> ExplainAfterFailureAsync(IReadOnlyCollection<Resource> resources, Location location, TimeRange range,
        int attendeeCount, Guid bookingId, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ConflictAdvisor.ExplainAsync(db, snapshots, resources, location, range, attendeeCount, [], bookingId, now, ct);
    }

    private async Task<uint> CurrentVersionAsync(Guid bookingId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Bookings.Where(b => b.Id == bookingId).Select(b => b.Version).FirstOrDefaultAsync(ct);
    }

    private static Task<Booking?> LoadForWriteAsync(BookingDbContext db, Guid id, CancellationToken ct) =>
        db.Bookings.Include(b => b.Allocations).FirstOrDefaultAsync(b => b.Id == id, ct);

    private static async Task<BookingResult?> ReplayAsync(BookingDbContext db, Actor actor, string key, string requestHash, CancellationToken ct)
    {
        var first = await db.Bookings.AsNoTracking().Include(b => b.Allocations)
            .FirstOrDefaultAsync(b => b.OwnerId == actor.UserId && b.IdempotencyKey == key, ct);
        if (first is null)
        {
            return null;
        }

        if (first.RequestHash != requestHash)
        {
            return new BookingResult.KeyReused();
        }

        var snapshot = BookingSnapshot.Of(first);
        return first.Status == BookingStatus.Pending
            ? new BookingResult.Queued(snapshot, Replayed: true)
            : new BookingResult.Success(snapshot, Replayed: true);
    }

    private static string Fingerprint(CreateBookingCommand c)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            resources = (c.ResourceIds ?? []).Order().ToArray(),
            start = c.Start.UtcTicks,
            end = c.End.UtcTicks,
            title = c.Title,
            c.AttendeeCount,
            c.JoinWaitlist,
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// Two writers whose new allocations overlap each wait for the other inside the exclusion check, and PostgreSQL
    /// breaks that tie by aborting one with a deadlock rather than a violation. Running the loser again from a fresh
    /// read turns it into the ordinary answer: a conflict, or success when the winner moved elsewhere.
    /// </summary>
    private async Task<T> RetryWhenDeadlockedAsync<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (Exception e) when (attempt < AttemptsWhenDeadlocked && IsDeadlock(e))
            {
                logger.LogDebug("Deadlock on attempt {Attempt}, running the operation again", attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), ct);
            }
        }
    }

    private static bool IsDeadlock(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsViolation(DbUpdateException e, string sqlState) =>
        e.InnerException is PostgresException pg && pg.SqlState == sqlState;

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
