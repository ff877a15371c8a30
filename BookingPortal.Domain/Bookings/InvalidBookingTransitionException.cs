using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Bookings;

public sealed class InvalidBookingTransitionException(BookingStatus from, BookingStatus to, string? why = null)
    : DomainException($"A booking cannot go from {from} to {to}{(why is null ? "" : $": {why}")}.")
{
    public BookingStatus From { get; } = from;
    public BookingStatus To { get; } = to;
}
