using BookingPortal.Domain.Bookings;

namespace BookingPortal.Infrastructure.Calendars.Invitations;

/// <summary>
/// An outbox row: a change to a booking that its owner's calendar should learn about by e-mail. It holds no content:
/// the message is built from the booking's (or its series') state when it is sent, so rows waiting for one entry
/// coalesce into one message that says how things stand now (<c>sent_at</c> is the outbox marker).
/// </summary>
public sealed class CalendarInvitation
{
    private CalendarInvitation()
    {
        Email = string.Empty;
    }

    private CalendarInvitation(Booking booking, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7();
        BookingId = booking.Id;
        // Members of series laid out before rules were stored (migration 0009) have no occurrence and are published
        // as events of their own, so they are invited one by one too.
        SeriesId = booking.OccurrenceStart is null ? null : booking.SeriesId;
        Email = booking.OwnerEmail;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }

    /// <summary>The booking that changed; for a series, the member whose change it was.</summary>
    public Guid BookingId { get; private set; }

    /// <summary>Set when the booking belongs to a series with a stored rule: the whole series is one calendar entry.</summary>
    public Guid? SeriesId { get; private set; }

    public string Email { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>What the calendar entry is, and so its UID: the series, or the booking alone.</summary>
    public Guid EntryId => SeriesId ?? BookingId;

    public static CalendarInvitation Of(Booking booking, DateTimeOffset at) => new(booking, at);

    /// <summary>Mail was handed to the server, refused for good, or superseded; either way it is not attempted again.</summary>
    public void MarkSent(DateTimeOffset now) => SentAt ??= now;
}
