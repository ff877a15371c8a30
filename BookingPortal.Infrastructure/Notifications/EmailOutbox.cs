using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BookingPortal.Infrastructure.Notifications;

/// <summary>
/// Mails notifications that have not been mailed yet (<c>emailed_at</c> is the outbox marker). Each one is claimed
/// under a row lock that other instances skip instead of waiting for, sent, and marked in that same transaction, so
/// no two instances send one message; only a process dying between sending and committing can send it again.
/// </summary>
public sealed class EmailOutbox(IDbContextFactory<BookingDbContext> contexts, IOptions<SmtpOptions> options, TimeProvider time, ILogger<EmailOutbox> logger)
{
    /// <summary>Carries the notification id, so a mail can be traced back to its row.</summary>
    public const string NotificationHeader = "X-BookingPortal-Notification";

    /// <summary>Switching mail on must not send people last month's news.</summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    public Task<int> SendPendingAsync(CancellationToken ct) =>
        SmtpSession.PassAsync(options.Value, time, logger, "notification(s)", SendOneAsync, ct);

    private async Task<bool> SendOneAsync(SmtpSession session, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var since = time.GetUtcNow() - MaxAge;
        var claimed = await db.Notifications.FromSql($"""
            SELECT * FROM notifications
            WHERE emailed_at IS NULL AND created_at > {since}
            ORDER BY created_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        if (claimed is not [var notification])
        {
            return false;
        }

        var body = new TextPart("plain") { Text = notification.Message };
        if (!await session.SendAsync(notification.Email, notification.Subject, body, (NotificationHeader, notification.Id.ToString()), ct))
        {
            // An address that can never take mail would otherwise head the queue for ever; the app still shows it.
            logger.LogWarning("Notification {NotificationId} cannot be mailed to its recipient; it stays in the app only", notification.Id);
        }

        notification.MarkEmailed(time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
