namespace BookingPortal.Domain.Bookings;

/// <summary>One line of a booking's audit trail. Written in the same transaction as the change it records.</summary>
public sealed class BookingHistoryEntry
{
    private BookingHistoryEntry()
    {
        Action = string.Empty;
        ActorId = string.Empty;
    }

    internal BookingHistoryEntry(Guid bookingId, DateTimeOffset at, string actorId, string action,
        BookingStatus? fromStatus, BookingStatus toStatus, string? detail)
    {
        Id = Guid.CreateVersion7();
        BookingId = bookingId;
        At = at;
        ActorId = actorId;
        Action = action;
        FromStatus = fromStatus;
        ToStatus = toStatus;
        Detail = detail;
    }

    public Guid Id { get; private set; }
    public Guid BookingId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string ActorId { get; private set; }
    public string Action { get; private set; }
    public BookingStatus? FromStatus { get; private set; }
    public BookingStatus ToStatus { get; private set; }
    public string? Detail { get; private set; }
}
