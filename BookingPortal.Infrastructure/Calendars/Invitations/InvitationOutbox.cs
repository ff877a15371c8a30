using BookingPortal.Infrastructure.Notifications;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BookingPortal.Infrastructure.Calendars.Invitations;

/// <summary>
/// Mails the calendar invitations that are owed: the oldest waiting row is claimed under a row lock that other instances
/// skip, together with every other waiting row of its calendar entry, and one message with the entry's current state
/// goes out for all of them, marked in that same transaction (as <see cref="EmailOutbox"/> does for notifications).
/// </summary>
public sealed class InvitationOutbox(IDbContextFactory<BookingDbContext> contexts, IOptions<SmtpOptions> options, TimeProvider time,
    ILogger<InvitationOutbox> logger)
{
    /// <summary>Carries the ids of the invitation rows a message answers, so a mail can be traced back to them.</summary>
    public const string InvitationHeader = "X-BookingPortal-Invitation";

    /// <summary>Returns how many calendar entries were dealt with: mailed, refused for good, or found gone before any mail.</summary>
    public Task<int> SendPendingAsync(CancellationToken ct) =>
        SmtpSession.PassAsync(options.Value, time, logger, "calendar invitation(s)", SendOneAsync, ct);

    private async Task<bool> SendOneAsync(SmtpSession session, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var since = time.GetUtcNow() - EmailOutbox.MaxAge;
        var oldest = await db.Set<CalendarInvitation>().FromSql($"""
            SELECT * FROM calendar_invitations
            WHERE sent_at IS NULL AND created_at > {since}
            ORDER BY created_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        if (oldest is not [var head])
        {
            return false;
        }

        // Skipping what another instance holds keeps two passes that claimed rows of one entry from waiting on each
        // other; at worst both mail the same state, which a mail client takes as one update (same UID and SEQUENCE).
        // The rows are locked before the state is read, so the message includes every change they stand for.
        var claimed = await db.Set<CalendarInvitation>().FromSql($"""
            SELECT * FROM calendar_invitations
            WHERE sent_at IS NULL AND coalesce(series_id, booking_id) = {head.EntryId}
            ORDER BY created_at, id
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        var newest = claimed[^1];
        var followsEarlier = await db.Set<CalendarInvitation>().AnyAsync(i => i.SentAt != null && (i.SeriesId ?? i.BookingId) == head.EntryId, ct);
        var letter = await InvitationLetter.ComposeAsync(db, newest, session.FromAddress, followsEarlier, ct);
        // A booking withdrawn before its first invitation went out is in no calendar to remove it from.
        if (letter.Cancel && !followsEarlier)
        {
            logger.LogDebug("Calendar entry {EntryId} was gone before it was ever mailed; nothing to send", head.EntryId);
        }
        else if (!await session.SendAsync(newest.Email, letter.Subject, Body(letter), (InvitationHeader, string.Join(",", claimed.Select(i => i.Id))),
                     ct))
        {
            logger.LogWarning("Calendar invitation for {EntryId} cannot be mailed to its recipient", head.EntryId);
        }

        var now = time.GetUtcNow();
        claimed.ForEach(i => i.MarkSent(now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>The text and the calendar as alternatives of one another, which is where mail clients look for an iTIP part.</summary>
    private static MultipartAlternative Body(InvitationLetter letter)
    {
        var calendar = new TextPart("calendar") { Text = letter.Calendar };
        calendar.ContentType.Parameters.Add("method", letter.Cancel ? "CANCEL" : "REQUEST");
        return new MultipartAlternative { new TextPart("plain") { Text = letter.Text }, calendar };
    }
}
