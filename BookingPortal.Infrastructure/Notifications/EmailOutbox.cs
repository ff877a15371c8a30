using System.Net;
using System.Net.Mail;
using System.Text;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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

    private const int MaxPerRun = 200;

    /// <summary>Switching mail on must not send people last month's news.</summary>
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    public async Task<int> SendPendingAsync(CancellationToken ct)
    {
        var smtp = options.Value;
        if (!smtp.IsConfigured)
        {
            return 0;
        }

        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        var sent = 0;
        while (sent < MaxPerRun && await SendOneAsync(client, smtp.From, ct))
        {
            sent++;
        }

        if (sent > 0)
        {
            logger.LogInformation("Mailed {Count} notification(s)", sent);
        }

        return sent;
    }

    private async Task<bool> SendOneAsync(SmtpClient client, string from, CancellationToken ct)
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

        try
        {
            using var message = new MailMessage(from, notification.Email, notification.Subject, notification.Message)
            {
                SubjectEncoding = Encoding.UTF8,
                BodyEncoding = Encoding.UTF8,
            };
            message.Headers.Add(NotificationHeader, notification.Id.ToString());
            await client.SendMailAsync(message, ct);
        }
        catch (Exception e) when (e is FormatException or SmtpFailedRecipientException)
        {
            // An address that can never take mail would otherwise head the queue for ever; the app still shows it.
            logger.LogWarning(e, "Notification {NotificationId} cannot be mailed to its recipient; it stays in the app only", notification.Id);
        }

        notification.MarkEmailed(time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
