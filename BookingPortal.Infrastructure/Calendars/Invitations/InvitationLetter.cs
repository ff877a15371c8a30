using System.Text;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Calendars.Feeds;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Calendars.Invitations;

/// <summary>
/// One invitation as it goes out, built from how its calendar entry stands now: the iTIP calendar (the feeds' UID and
/// SEQUENCE, so the mail client updates the entry the feeds show), and the subject and text around it.
/// </summary>
internal sealed record InvitationLetter(bool Cancel, string Subject, string Text, string Calendar)
{
    public static async Task<InvitationLetter> ComposeAsync(BookingDbContext db, CalendarInvitation invitation, string organizer, bool followsEarlier,
        CancellationToken ct)
    {
        var scope = invitation.SeriesId is { } seriesId
            ? db.Bookings.Where(b => b.SeriesId == seriesId)
            : db.Bookings.Where(b => b.Id == invitation.BookingId);
        var rows = await CalendarFeeds.Project(scope).ToListAsync(ct);
        var owner = rows.Single(r => r.Id == invitation.BookingId).OwnerId;
        var places = await CalendarFeeds.PlacesAsync(db, rows.SelectMany(r => r.ResourceIds), ct);
        // The owner's own entry: nothing in it is hidden from them.
        var entries = CalendarFeeds.Entries(rows.Where(r => r.OwnerId == owner), places, (_, _) => true).OrderBy(e => e.Start).ToList();
        var series = invitation.SeriesId is { } id && (await CalendarFeeds.SeriesAsync(db, entries, ct)).TryGetValue(id, out var stored)
            ? stored
            : null;
        if (series is null)
        {
            // A series without a stored rule is published booking by booking, and so invited.
            entries = entries.Where(e => e.BookingId == invitation.BookingId).ToList();
        }

        var cancel = entries.All(e => BookingCalendar.IsGone(e.Status));
        var calendar = BookingCalendar.Invitation(cancel, entries, series, organizer, bookingPage: null);
        var lead = entries.FirstOrDefault(e => !BookingCalendar.IsGone(e.Status)) ?? entries[0];
        var state = cancel ? (lead.Status == BookingStatus.Rejected ? "rejected" : "cancelled")
            : lead.Status == BookingStatus.AwaitingApproval ? "awaiting approval"
            : followsEarlier ? "updated"
            : "confirmed";
        var subject = $"{(series is null ? "Booking" : "Series")} {state}: {lead.Title}";
        return new InvitationLetter(cancel, subject, TextOf(lead.Title, entries, cancel), BookingCalendar.Serialize(calendar));
    }

    private static string TextOf(string title, IEnumerable<BookingEntry> entries, bool cancel)
    {
        var text = new StringBuilder().Append('\u201c').Append(title).Append('\u201d').Append("\r\n\r\n");
        foreach (var e in entries)
        {
            text.Append($"{new TimeRange(e.Start, e.End).Describe(e.TimeZoneId)}, {e.Place}. {BookingCalendar.StatusText(e.Status)}\r\n");
        }

        return text.Append("\r\n").Append(cancel
                ? "The calendar invitation in this message removes it from your calendar."
                : "The calendar invitation in this message adds it to your calendar; later changes update the same entry.")
            .ToString();
    }
}
