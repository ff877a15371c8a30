using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;

namespace BookingPortal.Domain.Bookings;

public sealed class Booking : AggregateRoot
{
    public const int MaxTitleLength = 200;
    public static readonly TimeSpan CheckInOpensBeforeStart = TimeSpan.FromMinutes(15);

    private readonly List<Allocation> _allocations = [];
    private readonly List<BookingHistoryEntry> _history = [];

    private Booking()
    {
        OwnerId = string.Empty;
        OwnerEmail = string.Empty;
        Title = string.Empty;
    }

    private Booking(Guid id, Actor owner, string title, int attendeeCount, TimeRange range, DateTimeOffset now,
        string? idempotencyKey, string? requestHash, Guid? seriesId)
    {
        Id = id;
        OwnerId = owner.UserId;
        OwnerEmail = owner.Email;
        Title = title;
        AttendeeCount = attendeeCount;
        Start = range.Start;
        End = range.End;
        CreatedAt = now;
        IdempotencyKey = idempotencyKey;
        RequestHash = requestHash;
        SeriesId = seriesId;
        OccurrenceStart = seriesId is null ? null : range.Start;
        ChangedAt = now;
    }

    public Guid Id { get; private set; }
    public string OwnerId { get; private set; }
    public string OwnerEmail { get; private set; }
    public string Title { get; private set; }
    public int AttendeeCount { get; private set; }
    public DateTimeOffset Start { get; private set; }
    public DateTimeOffset End { get; private set; }
    public BookingStatus Status { get; private set; }
    public Guid? SeriesId { get; private set; }
    public string? IdempotencyKey { get; private set; }

    /// <summary>Fingerprint of the request an idempotency key was first used with, to refuse reuse with another body.</summary>
    public string? RequestHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CheckedInAt { get; private set; }

    /// <summary>
    /// Where a series member was first laid out: it names the occurrence for calendar apps (iCalendar's RECURRENCE-ID)
    /// after the booking itself has been moved. Null outside a series.
    /// </summary>
    public DateTimeOffset? OccurrenceStart { get; private set; }

    /// <summary>What this series member was given on its own (see <see cref="SeriesFields"/>); none outside a series.</summary>
    public SeriesFields OwnChanges { get; private set; }

    /// <summary>When anything about the booking last changed (calendar feeds publish it as LAST-MODIFIED).</summary>
    public DateTimeOffset ChangedAt { get; private set; }

    /// <summary>
    /// How many changes the booking has seen. Counting makes every change rewrite the booking row, a move to other
    /// resources included, which is what bumps its version and lets the database announce it.
    /// </summary>
    public int Revision { get; private set; }
    public string? StatusReason { get; private set; }

    /// <summary>Set when the booking stands for an event of a linked outside calendar (see <see cref="HoldForOutsideEvent"/>).</summary>
    public OutsideEvent? Outside { get; private set; }

    /// <summary>Row version for optimistic concurrency (PostgreSQL xmin).</summary>
    public uint Version { get; private set; }

    public IReadOnlyCollection<Allocation> Allocations => _allocations.AsReadOnly();

    /// <summary>Entries added by this unit of work (the stored trail is read separately).</summary>
    public IReadOnlyCollection<BookingHistoryEntry> History => _history.AsReadOnly();

    public TimeRange Range => new(Start, End);
    public IEnumerable<Guid> ResourceIds => _allocations.Select(a => a.ResourceId);

    /// <summary>A booking that takes its slot at once: confirmed, or awaiting approval where a resource asks for it.</summary>
    public static Booking Place(Guid id, Actor owner, string title, int attendeeCount, TimeRange range,
        IReadOnlyCollection<Resource> resources, DateTimeOffset now, string? idempotencyKey = null, string? requestHash = null,
        Guid? seriesId = null)
    {
        var status = resources.Any(r => r.Rules.RequiresApproval) ? BookingStatus.AwaitingApproval : BookingStatus.Confirmed;
        return Create(id, owner, title, attendeeCount, range, resources, now, idempotencyKey, requestHash, seriesId, status);
    }

    /// <summary>A request for a taken slot: waits without holding it, first come first served.</summary>
    public static Booking JoinWaitlist(Guid id, Actor owner, string title, int attendeeCount, TimeRange range,
        IReadOnlyCollection<Resource> resources, DateTimeOffset now, string? idempotencyKey = null, string? requestHash = null,
        Guid? seriesId = null) =>
        Create(id, owner, title, attendeeCount, range, resources, now, idempotencyKey, requestHash, seriesId, BookingStatus.Pending);

    private static Booking Create(Guid id, Actor owner, string title, int attendeeCount, TimeRange range,
        IReadOnlyCollection<Resource> resources, DateTimeOffset now, string? idempotencyKey, string? requestHash, Guid? seriesId,
        BookingStatus status)
    {
        if (resources.Count == 0)
        {
            throw new DomainException("A booking needs at least one resource.");
        }

        var booking = new Booking(id, owner, RequireTitle(title), RequireAttendees(attendeeCount), range, now, idempotencyKey, requestHash, seriesId)
        {
            Status = status,
        };
        foreach (var resource in resources.DistinctBy(r => r.Id))
        {
            booking._allocations.Add(new Allocation(resource.Id, resource.BlockedRangeFor(range), status.HoldsSlot(), id, null));
        }

        booking.Record(now, owner.UserId, "created", null, status, null);
        booking.Raise(new BookingCreated(id, status, now));
        return booking;
    }

    /// <summary>
    /// Holds a resource for an event made directly in its linked outside calendar. It takes no rules of the resource
    /// (hours, horizon, durations are the outside calendar's business) and nobody here owns it; the exclusion
    /// constraint still decides whether the time is free.
    /// </summary>
    public static Booking HoldForOutsideEvent(Guid id, OutsideEvent outside, string? subject, TimeRange range, Resource resource,
        DateTimeOffset now)
    {
        var owner = new Actor($"outside:{outside.Provider}", string.Empty, Roles.None);
        var booking = new Booking(id, owner, OutsideTitle(subject), 1, range, now, null, null, null)
        {
            Status = BookingStatus.Confirmed,
            Outside = outside,
        };
        booking._allocations.Add(new Allocation(resource.Id, resource.BlockedRangeFor(range), true, id, null));
        booking.Record(now, owner.UserId, "created", null, BookingStatus.Confirmed, $"Event {outside.ExternalId} in {outside.ProviderName}");
        booking.Raise(new BookingCreated(id, BookingStatus.Confirmed, now));
        return booking;
    }

    /// <summary>The outside event moved or was renamed there; the booking follows.</summary>
    public void FollowOutsideEvent(string? subject, string? organizerName, TimeRange range, Resource resource, DateTimeOffset now)
    {
        var outside = RequireOutside();
        EnsureChangeable();
        var title = OutsideTitle(subject);
        if (range != Range)
        {
            var from = Range;
            foreach (var allocation in _allocations)
            {
                allocation.MoveTo(resource.BlockedRangeFor(range));
            }

            Start = range.Start;
            End = range.End;
            Record(now, OwnerId, "rescheduled", Status, Status, $"{from} -> {range} in {outside.ProviderName}");
            Raise(new BookingRescheduled(Id, from, range, now));
        }

        if (title != Title || organizerName != outside.OrganizerName)
        {
            Title = title;
            Outside = outside with { OrganizerName = organizerName };
            Record(now, OwnerId, "edited", Status, Status, "title");
            Raise(new BookingEdited(Id, true, false, now));
        }
    }

    /// <summary>The outside event was deleted, cancelled or made free there: the time is released here.</summary>
    public void ReleaseOutsideEvent(DateTimeOffset now, string reason)
    {
        RequireOutside();
        if (Status.IsFinal())
        {
            return;
        }

        TransitionTo(BookingStatus.Cancelled, new Actor(OwnerId, string.Empty, Roles.None), now, "cancelled", reason);
    }

    public DateTimeOffset CheckInOpensAt => Start - CheckInOpensBeforeStart;

    public DateTimeOffset CheckInClosesAt(TimeSpan gracePeriod) => Start + gracePeriod;

    public bool IsCheckInOpen(DateTimeOffset now, TimeSpan gracePeriod) => now >= CheckInOpensAt && now <= CheckInClosesAt(gracePeriod);

    public void Approve(Actor approver, DateTimeOffset now, string? note = null)
    {
        EnsureOurs();
        TransitionTo(BookingStatus.Confirmed, approver, now, "approved", note);
    }

    public void Reject(Actor approver, DateTimeOffset now, string? reason)
    {
        EnsureOurs();
        TransitionTo(BookingStatus.Rejected, approver, now, "rejected", reason);
    }

    public void Cancel(Actor actor, DateTimeOffset now, string? reason)
    {
        EnsureOurs();
        TransitionTo(BookingStatus.Cancelled, actor, now, "cancelled", reason);
    }

    public void CheckIn(Actor actor, DateTimeOffset now, TimeSpan gracePeriod)
    {
        EnsureOurs();
        if (Status == BookingStatus.Confirmed && !IsCheckInOpen(now, gracePeriod))
        {
            throw new InvalidBookingTransitionException(Status, BookingStatus.CheckedIn,
                $"check-in is open from {CheckInOpensAt:u} until {CheckInClosesAt(gracePeriod):u}");
        }

        TransitionTo(BookingStatus.CheckedIn, actor, now, "checked_in", null);
        CheckedInAt = now;
    }

    /// <summary>Releases the slot of an attendee who never checked in; the scheduler does this, or an operator (<paramref name="by"/>).</summary>
    public void MarkNoShow(DateTimeOffset now, TimeSpan gracePeriod, bool resourceRequiresCheckIn, Actor? by = null)
    {
        EnsureOurs();
        if (!resourceRequiresCheckIn)
        {
            throw new InvalidBookingTransitionException(Status, BookingStatus.NoShow, "the resource does not require check-in");
        }

        if (Status == BookingStatus.Confirmed && now <= CheckInClosesAt(gracePeriod))
        {
            throw new InvalidBookingTransitionException(Status, BookingStatus.NoShow, "the check-in grace period has not passed");
        }

        TransitionTo(BookingStatus.NoShow, by ?? Actor.System, now, "no_show", null);
    }

    public void Complete(DateTimeOffset now, bool resourceRequiresCheckIn)
    {
        // Nobody checks in here for an outside event: it took place as its calendar says.
        if (Status == BookingStatus.Confirmed && resourceRequiresCheckIn && Outside is null)
        {
            throw new InvalidBookingTransitionException(Status, BookingStatus.Completed, "the resource requires check-in");
        }

        if (now < End)
        {
            throw new InvalidBookingTransitionException(Status, BookingStatus.Completed, "the booking has not ended");
        }

        TransitionTo(BookingStatus.Completed, Actor.System, now, "completed", null);
    }

    /// <summary>A wait-listed request, or one still awaiting approval, whose start came first: it can no longer take place.</summary>
    public void Expire(DateTimeOffset now)
    {
        if (Start > now)
        {
            throw new DomainException("Only a request whose start has passed can expire.");
        }

        TransitionTo(BookingStatus.Expired, Actor.System, now, "expired",
            Status == BookingStatus.AwaitingApproval ? "Not approved before it started." : null);
    }

    /// <summary>Takes a freed slot for a wait-listed request; the database still decides whether it is free.</summary>
    public void Promote(bool requiresApproval, DateTimeOffset now) =>
        TransitionTo(requiresApproval ? BookingStatus.AwaitingApproval : BookingStatus.Confirmed, Actor.System, now, "promoted", null);

    /// <param name="bySeries">
    /// The change comes from an edit of several occurrences of the series: the member follows the series again in what
    /// changed. Otherwise a series member keeps what changed as its own.
    /// </param>
    public void Edit(Actor actor, DateTimeOffset now, string? title, int? attendeeCount, bool bySeries = false)
    {
        EnsureOurs();
        EnsureChangeable();
        var changes = new List<string>();
        if (title is not null && title != Title)
        {
            Title = RequireTitle(title);
            changes.Add("title");
            Mark(SeriesFields.Title, bySeries);
        }

        if (attendeeCount is { } count && count != AttendeeCount)
        {
            AttendeeCount = RequireAttendees(count);
            changes.Add("attendeeCount");
            Mark(SeriesFields.AttendeeCount, bySeries);
        }

        if (changes.Count > 0)
        {
            Record(now, actor.UserId, "edited", Status, Status, string.Join(", ", changes));
            Raise(new BookingEdited(Id, changes.Contains("title"), changes.Contains("attendeeCount"), now));
        }
    }

    /// <summary>
    /// Moves the booking in time and/or to other resources. Allocations of kept resources are updated in place, so the
    /// booking never conflicts with its own old slot.
    /// </summary>
    public void Reschedule(Actor actor, DateTimeOffset now, TimeRange range, IReadOnlyCollection<Resource> resources, bool bySeries = false)
    {
        EnsureOurs();
        EnsureChangeable();
        if (resources.Count == 0)
        {
            throw new DomainException("A booking needs at least one resource.");
        }

        var from = Range;
        var wanted = resources.DistinctBy(r => r.Id).ToDictionary(r => r.Id);
        if (range != from)
        {
            Mark(SeriesFields.Time, bySeries);
        }

        if (!wanted.Keys.Order().SequenceEqual(ResourceIds.Order()))
        {
            Mark(SeriesFields.Resources, bySeries);
        }
        _allocations.RemoveAll(a => !wanted.ContainsKey(a.ResourceId));
        foreach (var resource in wanted.Values)
        {
            var blocked = resource.BlockedRangeFor(range);
            if (_allocations.FirstOrDefault(a => a.ResourceId == resource.Id) is { } kept)
            {
                kept.MoveTo(blocked);
            }
            else
            {
                _allocations.Add(new Allocation(resource.Id, blocked, Status.HoldsSlot(), Id, null));
            }
        }

        Start = range.Start;
        End = range.End;
        Record(now, actor.UserId, "rescheduled", Status, Status, $"{from} -> {range}; resources {string.Join(",", wanted.Keys)}");
        Raise(new BookingRescheduled(Id, from, range, now));
    }

    /// <summary>
    /// Hands the member to a series (the continuation of a split) and says where that series' rule places it; the
    /// booking itself does not move.
    /// </summary>
    public void PlaceInSeries(Guid seriesId, DateTimeOffset occurrenceStart, DateTimeOffset now)
    {
        if (SeriesId is null)
        {
            throw new DomainException("Only a member of a series can be placed in another series.");
        }

        if (SeriesId == seriesId && OccurrenceStart == occurrenceStart)
        {
            return;
        }

        SeriesId = seriesId;
        OccurrenceStart = occurrenceStart;
        ChangedAt = now;
    }

    private void Mark(SeriesFields field, bool bySeries)
    {
        if (SeriesId is not null)
        {
            OwnChanges = bySeries ? OwnChanges & ~field : OwnChanges | field;
        }
    }

    /// <summary>Changes from people and sweeps stop at bookings that belong to an outside calendar.</summary>
    private void EnsureOurs()
    {
        if (Outside is { } outside)
        {
            throw new DomainException($"This time is held by an event in {outside.ProviderName}; change or cancel it there.");
        }
    }

    private OutsideEvent RequireOutside() =>
        Outside ?? throw new DomainException("Only a booking that stands for an outside event follows that calendar.");

    /// <summary>An outside event may have no subject, or one longer than ours; it still holds the room.</summary>
    private static string OutsideTitle(string? subject)
    {
        var trimmed = subject?.Trim();
        return string.IsNullOrEmpty(trimmed) ? "Busy" : trimmed.Length > MaxTitleLength ? trimmed[..MaxTitleLength] : trimmed;
    }

    private void EnsureChangeable()
    {
        if (Status is not (BookingStatus.Pending or BookingStatus.AwaitingApproval or BookingStatus.Confirmed))
        {
            throw new DomainException($"A {Status} booking can no longer be changed.");
        }
    }

    private void TransitionTo(BookingStatus to, Actor actor, DateTimeOffset now, string action, string? reason)
    {
        if (!Status.CanBecome(to))
        {
            throw new InvalidBookingTransitionException(Status, to);
        }

        var from = Status;
        Status = to;
        StatusReason = reason;
        foreach (var allocation in _allocations)
        {
            allocation.SetHolds(to.HoldsSlot());
        }

        Record(now, actor.UserId, action, from, to, reason);
        Raise(new BookingStatusChanged(Id, from, to, now, actor, reason));
    }

    private void Record(DateTimeOffset now, string actorId, string action, BookingStatus? from, BookingStatus to, string? detail)
    {
        Revision++;
        ChangedAt = now;
        _history.Add(new BookingHistoryEntry(Id, now, actorId, action, from, to, detail));
    }

    private static string RequireTitle(string title)
    {
        var trimmed = title.Trim();
        return trimmed.Length is 0 or > MaxTitleLength
            ? throw new DomainException($"A title needs 1 to {MaxTitleLength} characters.")
            : trimmed;
    }

    private static int RequireAttendees(int count) =>
        count is < 1 or > 10_000 ? throw new DomainException("Attendee count must be between 1 and 10000.") : count;
}
