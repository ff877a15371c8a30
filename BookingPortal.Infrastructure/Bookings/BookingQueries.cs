using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Bookings;

public sealed record BookingFilter(
    Guid? ResourceId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    BookingStatus? Status = null,
    string? OwnerId = null,
    int Limit = 50,
    int Offset = 0,
    Guid? SeriesId = null);

public sealed record BookingPage(IReadOnlyList<BookingSnapshot> Items, int Total, int Limit, int Offset);

public sealed record HistoryView(DateTimeOffset At, string ActorId, string Action, BookingStatus? From, BookingStatus To, string? Detail);

/// <summary>A series' rule as the API takes it: <c>frequency</c>, <c>interval</c>, <c>daysOfWeek</c>, and <c>count</c> or <c>until</c>.</summary>
public sealed record RuleView(string Frequency, int Interval, IReadOnlyList<string> DaysOfWeek, int? Count, DateOnly? Until);

/// <summary>
/// A series with its rule in words, where it was split off or continues, its version (the ETag an edit by scope
/// sends as If-Match) and its occurrences.
/// </summary>
public sealed record SeriesView(
    Guid Id,
    string Summary,
    RuleView Rule,
    string TimeZoneId,
    DateTimeOffset FirstStart,
    DateTimeOffset FirstEnd,
    Guid? SplitFrom,
    IReadOnlyList<Guid> ContinuedBy,
    uint Version,
    IReadOnlyList<BookingSnapshot> Occurrences);

/// <summary>Read side of bookings: no tracking, one round trip per screen where possible.</summary>
public sealed class BookingQueries(IDbContextFactory<BookingDbContext> contexts)
{
    public const int MaxPageSize = 200;

    public async Task<BookingSnapshot?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Allocations).FirstOrDefaultAsync(b => b.Id == id, ct);
        return booking is null ? null : BookingSnapshot.Of(booking);
    }

    public async Task<BookingPage> ListAsync(BookingFilter filter, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Bookings.AsNoTracking();
        if (filter.ResourceId is { } resourceId)
        {
            query = query.Where(b => b.Allocations.Any(a => a.ResourceId == resourceId));
        }

        if (filter.From is { } from)
        {
            query = query.Where(b => b.End > from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(b => b.Start < to);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(b => b.Status == status);
        }

        if (filter.SeriesId is { } seriesId)
        {
            query = query.Where(b => b.SeriesId == seriesId);
        }

        if (filter.OwnerId is { } ownerId)
        {
            query = query.Where(b => b.OwnerId == ownerId);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(b => b.Start).ThenBy(b => b.Id)
            .Skip(filter.Offset).Take(Math.Clamp(filter.Limit, 1, MaxPageSize))
            .Include(b => b.Allocations)
            .ToListAsync(ct);
        return new BookingPage(items.Select(BookingSnapshot.Of).ToList(), total, filter.Limit, filter.Offset);
    }

    /// <summary>The locations of a booking's resources (one, unless it spans a move), for location-scoped permissions.</summary>
    public async Task<IReadOnlyList<Guid>> LocationsOfAsync(Guid bookingId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Allocations.AsNoTracking()
            .Where(a => a.BookingId == bookingId)
            .Join(db.Resources, a => a.ResourceId, r => r.Id, (_, r) => r.LocationId)
            .Distinct()
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<HistoryView>> HistoryAsync(Guid bookingId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.BookingHistory.AsNoTracking()
            .Where(h => h.BookingId == bookingId)
            .OrderBy(h => h.At).ThenBy(h => h.Id)
            .Select(h => new HistoryView(h.At, h.ActorId, h.Action, h.FromStatus, h.ToStatus, h.Detail))
            .ToListAsync(ct);
    }

    /// <summary>The series, or null when it does not exist or predates stored rules (its members are plain bookings then).</summary>
    public async Task<SeriesView?> SeriesAsync(Guid seriesId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var series = await db.Set<BookingSeries>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == seriesId, ct);
        if (series is null)
        {
            return null;
        }

        var continuations = await db.Set<BookingSeries>().AsNoTracking().Where(s => s.SplitFrom == seriesId).OrderBy(s => s.FirstStart)
            .Select(s => s.Id).ToListAsync(ct);
        var members = await db.Bookings.AsNoTracking().Include(b => b.Allocations).Where(b => b.SeriesId == seriesId)
            .OrderBy(b => b.Start).ThenBy(b => b.Id).ToListAsync(ct);
        var rule = series.Rule;
        return new SeriesView(series.Id, series.Summary(),
            new RuleView(rule.Frequency.ToString().ToLowerInvariant(), rule.Interval, rule.DaysOfWeek.Select(d => d.ToString().ToLowerInvariant()).ToList(),
                rule.Count, rule.Until),
            series.TimeZoneId, series.FirstStart, series.FirstEnd, series.SplitFrom, continuations, series.Version,
            members.Select(BookingSnapshot.Of).ToList());
    }
}
