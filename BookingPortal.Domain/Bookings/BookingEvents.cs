using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Bookings;

public sealed record BookingCreated(Guid BookingId, BookingStatus Status, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A status transition, with who made it and why, so reactions (notifications) need not read the history.</summary>
public sealed record BookingStatusChanged(Guid BookingId, BookingStatus From, BookingStatus To, DateTimeOffset OccurredAt, Actor By, string? Reason)
    : IDomainEvent;

public sealed record BookingRescheduled(Guid BookingId, TimeRange From, TimeRange To, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>Details changed without a move; calendar invitations follow a new title, the attendee count is not in them.</summary>
public sealed record BookingEdited(Guid BookingId, bool TitleChanged, bool AttendeeCountChanged, DateTimeOffset OccurredAt) : IDomainEvent;
