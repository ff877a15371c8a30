using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Bookings;

/// <summary>Text matches the booking's title or id, its owner, who acted, the action, its detail and resource names.</summary>
public sealed record AuditQuery(string? Text = null, string? Action = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Skip = 0, int Take = 25);

public sealed record AuditEntry(
    Guid Id,
    DateTimeOffset At,
    string ActorId,
    string? ActorEmail,
    string Action,
    BookingStatus? FromStatus,
    BookingStatus ToStatus,
    string? Detail,
    Guid BookingId,
    string BookingTitle,
    string OwnerEmail,
    BookingPlace Place);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Total);

/// <summary>The booking history of every booking, newest first: who did what, when, to which booking and resource.</summary>
public sealed class BookingAudit(IDbContextFactory<BookingDbContext> contexts)
{
    public const int MaxPageSize = 200;

    /// <summary>The actions bookings record (see <see cref="Booking"/>), for filtering.</summary>
    public static readonly IReadOnlyList<string> KnownActions =
        ["created", "approved", "rejected", "cancelled", "checked_in", "no_show", "completed", "expired", "promoted", "rescheduled", "edited"];

    public async Task<AuditPage> SearchAsync(AuditQuery query, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var history = db.BookingHistory.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            var action = query.Action.Trim();
            history = history.Where(h => h.Action == action);
        }

        if (query.From is { } from)
        {
            history = history.Where(h => h.At >= from);
        }

        if (query.To is { } to)
        {
            history = history.Where(h => h.At < to);
        }

        var rows =
            from h in history
            join b in db.Bookings on h.BookingId equals b.Id
            join u in db.Users on h.ActorId equals u.Id into actors
            from u in actors.DefaultIfEmpty()
            select new { Entry = h, b.Title, b.OwnerEmail, ActorEmail = u == null ? null : u.Email };

        var text = query.Text?.Trim();
        if (Guid.TryParse(text, out var bookingId))
        {
            rows = rows.Where(r => r.Entry.BookingId == bookingId);
        }
        else if (!string.IsNullOrEmpty(text))
        {
            var pattern = LikePattern.Containing(text);
            rows = rows.Where(r => EF.Functions.ILike(r.Title, pattern, LikePattern.Escape)
                || EF.Functions.ILike(r.OwnerEmail, pattern, LikePattern.Escape)
                || (r.ActorEmail != null && EF.Functions.ILike(r.ActorEmail, pattern, LikePattern.Escape))
                || EF.Functions.ILike(r.Entry.Action, pattern, LikePattern.Escape)
                || (r.Entry.Detail != null && EF.Functions.ILike(r.Entry.Detail, pattern, LikePattern.Escape))
                || db.Allocations.Any(a => a.BookingId == r.Entry.BookingId
                    && db.Resources.Any(resource => resource.Id == a.ResourceId && EF.Functions.ILike(resource.Name, pattern, LikePattern.Escape))));
        }

        var total = await rows.CountAsync(ct);
        var page = await rows.OrderByDescending(r => r.Entry.At).ThenByDescending(r => r.Entry.Id)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, MaxPageSize))
            .ToListAsync(ct);
        var places = await BookingPlace.LoadAsync(db, page.Select(r => r.Entry.BookingId).ToList(), ct);
        var items = page.Select(r => new AuditEntry(r.Entry.Id, r.Entry.At, r.Entry.ActorId, r.ActorEmail, r.Entry.Action, r.Entry.FromStatus,
                r.Entry.ToStatus, r.Entry.Detail, r.Entry.BookingId, r.Title, r.OwnerEmail, places.GetValueOrDefault(r.Entry.BookingId, BookingPlace.Unknown)))
            .ToList();
        return new AuditPage(items, total);
    }
}
