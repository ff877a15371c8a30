using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Bookings;

public sealed record BookingCreated(Guid BookingId, BookingStatus Status, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record BookingStatusChanged(Guid BookingId, BookingStatus From, BookingStatus To, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record BookingRescheduled(Guid BookingId, TimeRange From, TimeRange To, DateTimeOffset OccurredAt) : IDomainEvent;
