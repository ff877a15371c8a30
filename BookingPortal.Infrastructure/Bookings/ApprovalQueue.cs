using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Bookings;

public sealed record ApprovalRequest(
    Guid BookingId,
    string Title,
    string OwnerEmail,
    int AttendeeCount,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset RequestedAt,
    BookingPlace Place)
{
    public Guid? SeriesId { get; init; }

    /// <summary>How many occurrences of its series await approval (this one included), so they can be decided at once.</summary>
    public int WaitingInSeries { get; init; } = 1;
}

/// <summary>Bookings that hold their slot while an admin decides: the approver's to-do list, soonest first.</summary>
public sealed class ApprovalQueue(IDbContextFactory<BookingDbContext> contexts)
{
    public const int MaxShown = 500;

    public async Task<IReadOnlyList<ApprovalRequest>> AwaitingAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var bookings = await db.Bookings.AsNoTracking()
            .Where(b => b.Status == BookingStatus.AwaitingApproval)
            .OrderBy(b => b.Start).ThenBy(b => b.CreatedAt)
            .Take(MaxShown)
            .Select(b => new { b.Id, b.Title, b.OwnerEmail, b.AttendeeCount, b.Start, b.End, b.CreatedAt, b.SeriesId })
            .ToListAsync(ct);
        var places = await BookingPlace.LoadAsync(db, bookings.Select(b => b.Id).ToList(), ct);
        var perSeries = bookings.Where(b => b.SeriesId is not null).GroupBy(b => b.SeriesId!.Value).ToDictionary(g => g.Key, g => g.Count());
        return bookings.Select(b => new ApprovalRequest(b.Id, b.Title, b.OwnerEmail, b.AttendeeCount, b.Start, b.End, b.CreatedAt,
                places.GetValueOrDefault(b.Id, BookingPlace.Unknown))
            {
                SeriesId = b.SeriesId,
                WaitingInSeries = b.SeriesId is { } id ? perSeries[id] : 1,
            })
            .ToList();
    }
}
