using BookingPortal.Domain.Bookings;

namespace BookingPortal.Infrastructure.Bookings;

public sealed record CreateBookingCommand(
    IReadOnlyList<Guid> ResourceIds,
    DateTimeOffset Start,
    DateTimeOffset End,
    string? Title,
    int AttendeeCount = 1,
    bool JoinWaitlist = false,
    string? IdempotencyKey = null,
    IReadOnlyList<string>? RequiredFeatures = null,
    ConflictPolicy ConflictPolicy = ConflictPolicy.AllOrNothing,
    IReadOnlyList<OccurrenceChoice>? Choices = null);

/// <summary>Every member left null keeps its current value.</summary>
public sealed record ChangeBookingCommand(
    Guid BookingId,
    DateTimeOffset? Start = null,
    DateTimeOffset? End = null,
    IReadOnlyList<Guid>? ResourceIds = null,
    string? Title = null,
    int? AttendeeCount = null,
    uint? ExpectedVersion = null);

/// <summary>
/// An edit of several occurrences of a series: the addressed one and every later one (<see cref="OnlyFollowing"/>), or
/// all of them. <see cref="Start"/>/<see cref="End"/> are the addressed occurrence's new times; every other occurrence
/// takes the same local wall-clock times on its own day. Members left null keep their values.
/// </summary>
public sealed record ChangeSeriesCommand(
    Guid BookingId,
    bool OnlyFollowing,
    DateTimeOffset? Start = null,
    DateTimeOffset? End = null,
    IReadOnlyList<Guid>? ResourceIds = null,
    string? Title = null,
    int? AttendeeCount = null,
    Recurrence? Recurrence = null,
    ConflictPolicy Policy = ConflictPolicy.AllOrNothing,
    uint? ExpectedSeriesVersion = null,
    IReadOnlyList<OccurrenceChoice>? Choices = null);

/// <summary>What to do with one occurrence of a series request, decided by the person rather than by the policy.</summary>
public enum OccurrenceAction
{
    /// <summary>Leave it out (on an edit: leave it as it is).</summary>
    Skip,

    /// <summary>Book it at another time that day and/or in other resources.</summary>
    Book,

    /// <summary>Wait for its slot on the wait list (new occurrences only).</summary>
    Waitlist,
}

/// <summary>
/// One occurrence's own way out of a clash, addressed by the start the request gives it (as a 409 lists it). For
/// <see cref="OccurrenceAction.Book"/>, <see cref="Start"/>/<see cref="End"/> and <see cref="ResourceIds"/> replace the
/// occurrence's time and resources where given. Occurrences without a choice follow the request's conflict policy.
/// </summary>
public sealed record OccurrenceChoice(
    DateTimeOffset OccurrenceStart,
    OccurrenceAction Action,
    DateTimeOffset? Start = null,
    DateTimeOffset? End = null,
    IReadOnlyList<Guid>? ResourceIds = null);
