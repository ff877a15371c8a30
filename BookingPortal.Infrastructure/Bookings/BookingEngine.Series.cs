using System.Security.Cryptography;
using System.Text;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BookingPortal.Infrastructure.Bookings;

/// <summary>Recurring bookings: a series is created, and cancelled from an occurrence on, in one transaction.</summary>
public sealed partial class BookingEngine
{
    private const int AttemptsWhenRaced = 3;

    /// <summary>
    /// Books the occurrences of a recurring request under one new series id, all in one transaction. Any occurrence
    /// that breaks a rule refuses the whole series (400 naming its dates). A clash refuses it too by default; with
    /// <see cref="ConflictPolicy.Skip"/> the clashing occurrences are left out, with <see cref="ConflictPolicy.Alternatives"/>
    /// booked in the best free alternative. An idempotency key is stored on the first occurrence and replays the series.
    /// </summary>
    public async Task<SeriesResult> CreateSeriesAsync(CreateBookingCommand command, Recurrence recurrence, Actor actor, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (result, raced) = await RetryWhenDeadlockedAsync(() => CreateSeriesOnceAsync(command, recurrence, actor, ct), ct);
            // A policy other than all-or-nothing promised to book around clashes: one that appeared between its check
            // and the commit (the constraint refused the insert) is worked around on a fresh read. A request with
            // nothing left to book is answered at once.
            if (!raced || command.ConflictPolicy == ConflictPolicy.AllOrNothing || attempt == AttemptsWhenRaced)
            {
                return result;
            }
        }
    }

    /// <summary>
    /// Cancels the addressed occurrence and every later one (<paramref name="onlyFollowing"/>) or the whole series, in one
    /// transaction. Occurrences that have ended or can no longer be cancelled (checked in, completed, already cancelled)
    /// stay as they are, so the series' history is never rewritten.
    /// </summary>
    public async Task<SeriesResult> CancelSeriesAsync(Guid bookingId, Actor actor, string? reason, bool onlyFollowing, uint? expectedVersion = null,
        CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await RetryWhenDeadlockedAsync(() => CancelSeriesOnceAsync(bookingId, actor, reason, onlyFollowing, expectedVersion, ct), ct);
            // Without If-Match the caller did not ask for one version: another occurrence changing meanwhile is
            // no reason to refuse, so the request runs again on fresh rows.
            if (result is not SeriesResult.Failed { Outcome: BookingResult.Stale } || expectedVersion is not null || attempt == AttemptsWhenRaced)
            {
                return result;
            }
        }
    }

    private async Task<(SeriesResult Result, bool Raced)> CreateSeriesOnceAsync(CreateBookingCommand command, Recurrence recurrence, Actor actor, CancellationToken ct)
    {
        var resourceIds = command.ResourceIds ?? [];
        var errors = CheckRequest(command);
        if (command.JoinWaitlist)
        {
            errors.Add("joinWaitlist", "A recurring booking cannot join the wait list: a series is booked whole or not at all. "
                + "Book the series at a suggested time or resource, or wait-list single occurrences.");
        }

        var requestHash = command.IdempotencyKey is null ? null : SeriesFingerprint(command, recurrence);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        if (command.IdempotencyKey is not null && await ReplaySeriesAsync(db, actor, command.IdempotencyKey, requestHash!, ct) is { } replay)
        {
            return (replay, false);
        }

        var (resources, location) = await snapshots.GetAsync(db, resourceIds, ct);
        errors.Merge(BookingPolicy.CheckResources(resourceIds, resources));
        if (!errors.IsEmpty || location is null)
        {
            return (Invalid(errors), false);
        }

        var expansion = recurrence.Expand(new TimeRange(command.Start, command.End), location);
        var now = time.GetUtcNow();
        var chosen = await ReadChoicesAsync(db, command.Choices, expansion.Occurrences.Select(o => (o, (IReadOnlyList<Resource>)resources)).ToList(),
            location, command.AttendeeCount, waitlistAllowed: true, errors, now, ct);
        // An occurrence the person moved or left out is checked where it goes, not where the rule put it.
        var asRuled = expansion.Occurrences.Where(o => !chosen.TryGetValue(o.Start, out var c) || c.Action == OccurrenceAction.Waitlist).ToList();
        errors.Merge(expansion.Errors).Merge(BookingPolicy.CheckSeries(asRuled, command.AttendeeCount, resources, location, now));
        if (!errors.IsEmpty)
        {
            return (Invalid(errors), false);
        }

        var seriesId = Guid.CreateVersion7();
        var plan = await PlanAroundClashesAsync(db, command, resources, location, expansion.Occurrences, chosen, now, ct);
        if (plan.Booked.Count == 0 && chosen.Count > 0 && plan.Skipped.Count == expansion.Occurrences.Count)
        {
            return (Invalid("choices", "Every occurrence is left out, so there is nothing to book."), false);
        }

        if (plan.Booked.Count == 0)
        {
            return (new SeriesResult.Conflict(await ExplainUnchosenAsync(db, command, recurrence, resources, location, expansion.Occurrences, chosen, now, ct)), false);
        }

        var bookings = plan.Booked
            .Select((o, i) => (o.Waits ? Booking.JoinWaitlist : (Factory)Booking.Place)(Guid.CreateVersion7(), actor, command.Title!,
                command.AttendeeCount, o.Range, o.Resources, now, i == 0 ? command.IdempotencyKey : null, i == 0 ? requestHash : null, seriesId))
            .ToList();
        db.Bookings.AddRange(bookings);
        var series = BookingSeries.Of(seriesId, recurrence, expansion.Occurrences[0], location.TimeZoneId, now);
        db.Set<BookingSeries>().Add(series);
        try
        {
            await SlotLocks.SaveAsync(db, bookings.SelectMany(b => b.ResourceIds), ct);
            bookings.ForEach(b => b.ClearDomainEvents());
            var swapped = bookings.Zip(plan.Booked)
                .Where(pair => pair.Second.Resources.Count != resources.Count || pair.Second.Resources.Any(r => !resourceIds.Contains(r.Id)))
                .Select(pair => new SwappedOccurrence(pair.First.Id, pair.First.Start, pair.First.End, resourceIds.Order().ToList(),
                    pair.First.ResourceIds.Order().ToList()))
                .ToList();
            return (new SeriesResult.Success(new SeriesSnapshot(seriesId, bookings.Select(BookingSnapshot.Of).ToList())
            {
                Version = series.Version,
                Skipped = plan.Skipped,
                Swapped = swapped,
            }), false);
        }
        catch (DbUpdateException e) when (IsViolation(e, UniqueViolation) && command.IdempotencyKey is not null)
        {
            db.ChangeTracker.Clear();
            return (await ReplaySeriesAsync(db, actor, command.IdempotencyKey, requestHash!, ct)
                ?? throw new InvalidOperationException("An idempotency key collided but its series is gone.", e), false);
        }
        catch (DbUpdateException e) when (IsViolation(e, ExclusionViolation))
        {
            logger.LogDebug("Series of {Count} collided for {ResourceIds}", bookings.Count, resourceIds);
        }

        db.ChangeTracker.Clear();
        var details = await ExplainUnchosenAsync(db, command, recurrence, resources, location, expansion.Occurrences, chosen, now, ct);
        return (new SeriesResult.Conflict(details), true);
    }

    /// <summary>
    /// The advice for a refused series covers the occurrences the person has not decided on yet, so answering the
    /// clashes one by one converges; a clash of a decided occurrence (taken meanwhile) is advised on as ruled.
    /// </summary>
    private async Task<SeriesConflict> ExplainUnchosenAsync(BookingDbContext db, CreateBookingCommand command, Recurrence recurrence,
        List<Resource> resources, Location location, IReadOnlyList<TimeRange> occurrences, Dictionary<DateTimeOffset, ChosenOccurrence> chosen,
        DateTimeOffset now, CancellationToken ct)
    {
        async Task<SeriesConflict> ExplainAsync(IReadOnlyList<TimeRange> these) => await ConflictAdvisor.ExplainSeriesAsync(db, snapshots, resources, location,
            these, first => recurrence.Expand(first, location).Occurrences, command.AttendeeCount, command.RequiredFeatures ?? [], now, ct);
        var open = occurrences.Where(o => !chosen.ContainsKey(o.Start)).ToList();
        var details = open.Count > 0 ? await ExplainAsync(open) : null;
        return details is { Occurrences.Count: > 0 } ? details : await ExplainAsync(occurrences);
    }

    /// <summary>How a planned occurrence becomes a booking: taking its slot, or waiting for it.</summary>
    private delegate Booking Factory(Guid id, Actor owner, string title, int attendeeCount, TimeRange range, IReadOnlyCollection<Resource> resources,
        DateTimeOffset now, string? idempotencyKey, string? requestHash, Guid? seriesId);

    /// <summary>An occurrence to book; one that <see cref="Waits"/> joins the wait list for its slot instead of taking it.</summary>
    private sealed record PlannedOccurrence(TimeRange Range, IReadOnlyList<Resource> Resources, bool Waits = false);

    private sealed record ClashPlan(List<PlannedOccurrence> Booked, List<SkippedOccurrence> Skipped);

    /// <summary>
    /// Which occurrences to book in which resources under the request's conflict policy. All-or-nothing books all as
    /// asked and lets the constraint refuse; the others read what holds the times first and book around it.
    /// </summary>
    private async Task<ClashPlan> PlanAroundClashesAsync(BookingDbContext db, CreateBookingCommand command, List<Resource> resources,
        Location location, IReadOnlyList<TimeRange> occurrences, Dictionary<DateTimeOffset, ChosenOccurrence> chosen, DateTimeOffset now,
        CancellationToken ct)
    {
        if (command.ConflictPolicy == ConflictPolicy.AllOrNothing && chosen.Count == 0)
        {
            return new ClashPlan(occurrences.Select(o => new PlannedOccurrence(o, resources)).ToList(), []);
        }

        var candidates = command.ConflictPolicy == ConflictPolicy.Alternatives
            ? await ConflictAdvisor.CandidatesAsync(db, snapshots, resources, location, command.AttendeeCount, command.RequiredFeatures ?? [], ct)
            : [];
        var pairs = occurrences.SelectMany(o => resources.Concat(candidates).Select(r => (r.Id, r.BlockedRangeFor(o)))).ToList();
        var holding = await ConflictAdvisor.HoldingAsync(db, pairs, [], ct);
        var plan = new ClashPlan([], []);
        foreach (var occurrence in occurrences)
        {
            var collisions = ConflictAdvisor.Collisions(resources, occurrence, holding);
            if (chosen.TryGetValue(occurrence.Start, out var choice))
            {
                switch (choice.Action)
                {
                    case OccurrenceAction.Skip:
                        plan.Skipped.Add(new SkippedOccurrence(occurrence.Start, occurrence.End, null, collisions));
                        break;
                    case OccurrenceAction.Book:
                        plan.Booked.Add(new PlannedOccurrence(choice.Range, choice.Resources));
                        break;
                    default:
                        // A slot that freed up since the person chose to wait is simply booked.
                        plan.Booked.Add(new PlannedOccurrence(occurrence, resources, Waits: collisions.Count > 0));
                        break;
                }

                continue;
            }

            // All-or-nothing books a clashing occurrence as asked and lets the constraint refuse the whole request.
            if (collisions.Count == 0 || command.ConflictPolicy == ConflictPolicy.AllOrNothing)
            {
                plan.Booked.Add(new PlannedOccurrence(occurrence, resources));
                continue;
            }

            var swapped = command.ConflictPolicy == ConflictPolicy.Alternatives
                ? ConflictAdvisor.Swap(resources, collisions.Select(c => c.ResourceId).ToHashSet(), candidates, occurrence, location,
                    command.AttendeeCount, holding, now)
                : null;
            if (swapped is null)
            {
                plan.Skipped.Add(new SkippedOccurrence(occurrence.Start, occurrence.End, null, collisions));
            }
            else
            {
                plan.Booked.Add(new PlannedOccurrence(occurrence, swapped));
            }
        }

        return plan;
    }

    /// <summary>
    /// An admin approves (or rejects) every occurrence of the booking's series that still awaits approval, from this one
    /// on (<paramref name="onlyFollowing"/>) or all of them, in one transaction. Occurrences already decided, or past
    /// their start (the sweep expires those), stay as they are. A rejection frees the slots for the wait list.
    /// </summary>
    public async Task<SeriesResult> DecideSeriesAsync(Guid bookingId, Actor actor, bool approve, string? note, bool onlyFollowing,
        CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await RetryWhenDeadlockedAsync(() => DecideSeriesOnceAsync(bookingId, actor, approve, note, onlyFollowing, ct), ct);
            if (result is not SeriesResult.Failed { Outcome: BookingResult.Stale } || attempt == AttemptsWhenRaced)
            {
                return result;
            }
        }
    }

    private async Task<SeriesResult> DecideSeriesOnceAsync(Guid bookingId, Actor actor, bool approve, string? note, bool onlyFollowing,
        CancellationToken ct)
    {
        if (!actor.IsAdmin)
        {
            return new SeriesResult.Failed(new BookingResult.Forbidden($"Only an admin can {(approve ? "approve" : "reject")} bookings."));
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var addressed = await LoadForWriteAsync(db, bookingId, ct);
        if (addressed is null)
        {
            return new SeriesResult.Failed(new BookingResult.NotFound());
        }

        if (addressed.SeriesId is not { } seriesId)
        {
            return Invalid("scope", "This booking is not part of a series; decide it with scope 'occurrence'.");
        }

        var now = time.GetUtcNow();
        var targets = await db.Bookings.Include(b => b.Allocations)
            .Where(b => b.SeriesId == seriesId && b.Status == BookingStatus.AwaitingApproval && b.Start > now
                && (!onlyFollowing || b.Start >= addressed.Start))
            .OrderBy(b => b.Start).ThenBy(b => b.Id)
            .ToListAsync(ct);
        if (targets.Count == 0)
        {
            return new SeriesResult.Failed(new BookingResult.Refused("No occurrence of this series is awaiting approval any more."));
        }

        foreach (var booking in targets)
        {
            if (approve)
            {
                booking.Approve(actor, now, Trim(note));
            }
            else
            {
                booking.Reject(actor, now, Trim(note));
            }
        }

        try
        {
            await SlotLocks.SaveAsync(db, targets.SelectMany(b => b.ResourceIds), ct);
            targets.ForEach(b => b.ClearDomainEvents());
        }
        catch (DbUpdateConcurrencyException)
        {
            return new SeriesResult.Failed(new BookingResult.Stale(await CurrentVersionAsync(bookingId, ct)));
        }

        if (!approve)
        {
            await PromotePendingAsync(targets.SelectMany(b => b.ResourceIds).Distinct().ToList(), ct);
        }

        return new SeriesResult.Success(new SeriesSnapshot(seriesId, targets.Select(BookingSnapshot.Of).ToList()));
    }

    private async Task<SeriesResult> CancelSeriesOnceAsync(Guid bookingId, Actor actor, string? reason, bool onlyFollowing, uint? expectedVersion,
        CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var addressed = await LoadForWriteAsync(db, bookingId, ct);
        if (addressed is null)
        {
            return new SeriesResult.Failed(new BookingResult.NotFound());
        }

        var members = addressed.SeriesId is { } seriesId
            ? await db.Bookings.Include(b => b.Allocations)
                .Where(b => b.SeriesId == seriesId && (!onlyFollowing || b.Start >= addressed.Start))
                .OrderBy(b => b.Start).ThenBy(b => b.Id)
                .ToListAsync(ct)
            : [addressed];
        var (resources, _) = await snapshots.GetAsync(db, members.SelectMany(b => b.ResourceIds).Distinct().ToList(), ct);
        var locationOf = resources.ToDictionary(r => r.Id, r => r.LocationId);
        // An occurrence may have been moved to other resources; an operator needs every affected location.
        bool MayCancel(Booking booking) => booking.OwnerId == actor.UserId || booking.ResourceIds.All(id => actor.OperatesAt(locationOf[id]));
        if (!MayCancel(addressed))
        {
            return new SeriesResult.Failed(new BookingResult.Forbidden("Only the owner, an operator of this location or an admin can cancel this booking."));
        }

        if (addressed.SeriesId is null)
        {
            return Invalid("scope", "This booking is not part of a series; cancel it with scope 'occurrence'.");
        }

        if (expectedVersion is { } expected && expected != addressed.Version)
        {
            return new SeriesResult.Failed(new BookingResult.Stale(addressed.Version));
        }

        var now = time.GetUtcNow();
        var targets = members.Where(b => b.Status.CanBecome(BookingStatus.Cancelled) && b.End > now).ToList();
        if (targets.Count == 0)
        {
            return new SeriesResult.Failed(new BookingResult.Refused(
                "No occurrence left to cancel: the rest of the series has ended, is cancelled or can no longer be cancelled."));
        }

        if (!targets.All(MayCancel))
        {
            return new SeriesResult.Failed(new BookingResult.Forbidden("Some occurrences are at locations you do not operate; cancel them one by one."));
        }

        var freed = targets.Where(b => b.Status.HoldsSlot()).SelectMany(b => b.ResourceIds).Distinct().ToList();
        targets.ForEach(b => b.Cancel(actor, now, Trim(reason)));
        try
        {
            await SlotLocks.SaveAsync(db, targets.SelectMany(b => b.ResourceIds), ct);
            targets.ForEach(b => b.ClearDomainEvents());
        }
        catch (DbUpdateConcurrencyException)
        {
            return new SeriesResult.Failed(new BookingResult.Stale(await CurrentVersionAsync(bookingId, ct)));
        }

        if (freed.Count > 0)
        {
            await PromotePendingAsync(freed, ct);
        }

        return new SeriesResult.Success(new SeriesSnapshot(addressed.SeriesId.Value, targets.Select(BookingSnapshot.Of).ToList()));
    }

    private static async Task<SeriesResult?> ReplaySeriesAsync(BookingDbContext db, Actor actor, string key, string requestHash, CancellationToken ct)
    {
        var first = await db.Bookings.AsNoTracking()
            .Where(b => b.OwnerId == actor.UserId && b.IdempotencyKey == key)
            .Select(b => new { b.SeriesId, b.RequestHash })
            .FirstOrDefaultAsync(ct);
        if (first is null)
        {
            return null;
        }

        if (first.RequestHash != requestHash || first.SeriesId is not { } seriesId)
        {
            return new SeriesResult.Failed(new BookingResult.KeyReused());
        }

        var bookings = await db.Bookings.AsNoTracking().Include(b => b.Allocations)
            .Where(b => b.SeriesId == seriesId)
            .OrderBy(b => b.Start).ThenBy(b => b.Id)
            .ToListAsync(ct);
        return new SeriesResult.Success(new SeriesSnapshot(seriesId, bookings.Select(BookingSnapshot.Of).ToList()), Replayed: true);
    }

    /// <summary>A single booking's fingerprint extended by the rule, so a key first used for one booking never replays as a series.</summary>
    private static string SeriesFingerprint(CreateBookingCommand command, Recurrence recurrence) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(command.ConflictPolicy == ConflictPolicy.AllOrNothing && command.Choices is not { Count: > 0 }
            ? $"{Fingerprint(command)};{recurrence}"
            : $"{Fingerprint(command)};{recurrence};{command.ConflictPolicy};{string.Join("|", (command.Choices ?? []).Select(Describe))}")));

    private static string Describe(OccurrenceChoice c) =>
        $"{c.OccurrenceStart.UtcTicks}:{c.Action}:{c.Start?.UtcTicks}:{c.End?.UtcTicks}:{string.Join(",", (c.ResourceIds ?? []).Order())}";

    private static SeriesResult Invalid(ValidationErrors errors) => new SeriesResult.Failed(new BookingResult.Invalid(errors.ToDictionary()));

    private static SeriesResult Invalid(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }
}
