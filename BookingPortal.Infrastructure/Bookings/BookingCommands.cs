namespace BookingPortal.Infrastructure.Bookings;

public sealed record CreateBookingCommand(
    IReadOnlyList<Guid> ResourceIds,
    DateTimeOffset Start,
    DateTimeOffset End,
    string? Title,
    int AttendeeCount = 1,
    bool JoinWaitlist = false,
    string? IdempotencyKey = null,
    IReadOnlyList<string>? RequiredFeatures = null);

/// <summary>Every member left null keeps its current value.</summary>
public sealed record ChangeBookingCommand(
    Guid BookingId,
    DateTimeOffset? Start = null,
    DateTimeOffset? End = null,
    IReadOnlyList<Guid>? ResourceIds = null,
    string? Title = null,
    int? AttendeeCount = null,
    uint? ExpectedVersion = null);
