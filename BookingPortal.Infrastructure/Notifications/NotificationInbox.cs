using BookingPortal.Domain.Notifications;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Notifications;

public sealed record NotificationView(Guid Id, NotificationKind Kind, Guid BookingId, string Subject, string Message,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record NotificationList(IReadOnlyList<NotificationView> Items, int UnreadCount);

/// <summary>A person's own notifications: newest first, with the unread count, and marking them read.</summary>
public sealed class NotificationInbox(IDbContextFactory<BookingDbContext> contexts, TimeProvider time)
{
    public const int MaxPageSize = 200;

    public async Task<NotificationList> ListAsync(string userId, int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var mine = db.Notifications.AsNoTracking().Where(n => n.UserId == userId);
        var items = await mine.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(Math.Clamp(limit, 1, MaxPageSize))
            .Select(n => new NotificationView(n.Id, n.Kind, n.BookingId, n.Subject, n.Message, n.CreatedAt, n.ReadAt))
            .ToListAsync(ct);
        return new NotificationList(items, await mine.CountAsync(n => n.ReadAt == null, ct));
    }

    /// <summary>False when the notification does not exist or is someone else's: neither is told apart from outside.</summary>
    public async Task<bool> MarkReadAsync(string userId, Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == id && n.UserId == userId, ct);
        if (notification is null)
        {
            return false;
        }

        notification.MarkRead(time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<int> MarkAllReadAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        // One statement: someone with hundreds unread should not have them loaded only to stamp each.
        return await db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }
}
