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
    ConflictPolicy ConflictPolicy = ConflictPolicy.AllOrNothing);

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
    uint? ExpectedSeriesVersion = null);
