using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Bookings;

public enum CalendarEntryKind
{
    Booking,
    Maintenance,
}

/// <summary>Something that holds time on a calendar: a booking holding its slot, or a maintenance block.</summary>
public sealed record CalendarEntry(
    Guid Id,
    CalendarEntryKind Kind,
    string Title,
    string? OwnerId,
    string? OwnerEmail,
    BookingStatus? Status,
    DateTimeOffset Start,
    DateTimeOffset End,
    int AttendeeCount,
    uint Version,
    IReadOnlyList<Guid> ResourceIds)
{
    /// <summary>The series it is an occurrence of, so a move can ask whether it is for this one, the following or all.</summary>
    public Guid? SeriesId { get; init; }
}

public sealed record BookedResource(Guid Id, string Name, Guid LocationId, bool RequiresCheckIn);

public sealed record MyBookingView(
    Guid Id,
    string Title,
    BookingStatus Status,
    string? StatusReason,
    DateTimeOffset Start,
    DateTimeOffset End,
    int AttendeeCount,
    uint Version,
    DateTimeOffset? CheckedInAt,
    IReadOnlyList<BookedResource> Resources)
{
    public Guid? LocationId => Resources.Count > 0 ? Resources[0].LocationId : null;

    public Guid? SeriesId { get; init; }

    /// <summary>The series' rule in words ("Every Tuesday, 09:00–09:45, 3 times"), for an occurrence of one.</summary>
    public string? SeriesSummary { get; init; }
}

public sealed record HistoryLine(DateTimeOffset At, string Actor, string Action, BookingStatus? From, BookingStatus To, string? Detail);

/// <summary>Read side of the staff screens (calendar, my bookings, start page): no tracking, shaped for display.</summary>
public sealed class StaffBookingQueries(IDbContextFactory<BookingDbContext> contexts)
{
    public const int PastLimit = 100;

    /// <summary>Bookings that hold a slot on any of the resources, and maintenance blocks on them, meeting the window.</summary>
    public async Task<IReadOnlyList<CalendarEntry>> CalendarAsync(IReadOnlyCollection<Guid> resourceIds, TimeRange window, CancellationToken ct = default)
    {
        if (resourceIds.Count == 0)
        {
            return [];
        }

        var ids = resourceIds.ToArray();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var bookings = await db.Bookings.AsNoTracking()
            .Where(b => b.Start < window.End && b.End > window.Start && b.Allocations.Any(a => a.Holds && ids.Contains(a.ResourceId)))
            .OrderBy(b => b.Start)
            .Select(b => new CalendarEntry(b.Id, CalendarEntryKind.Booking, b.Title, b.OwnerId, b.OwnerEmail, b.Status, b.Start, b.End,
                b.AttendeeCount, b.Version, b.Allocations.Select(a => a.ResourceId).ToList()) { SeriesId = b.SeriesId })
            .ToListAsync(ct);
        var blocks = await db.MaintenanceBlocks.AsNoTracking()
            .Where(m => ids.Contains(m.ResourceId) && m.Start < window.End && m.End > window.Start)
            .Select(m => new CalendarEntry(m.Id, CalendarEntryKind.Maintenance, m.Reason, null, null, null, m.Start, m.End, 0, 0,
                new List<Guid> { m.ResourceId }))
            .ToListAsync(ct);
        return [.. bookings.Concat(blocks).OrderBy(e => e.Start).ThenBy(e => e.Id)];
    }

    /// <summary>
    /// The owner's bookings that still lie ahead (not yet ended and still active), soonest first; or the rest — ended,
    /// cancelled, refused — latest first, at most <see cref="PastLimit"/>.
    /// </summary>
    public async Task<IReadOnlyList<MyBookingView>> MineAsync(string ownerId, DateTimeOffset now, bool upcoming, int limit = PastLimit,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var mine = db.Bookings.AsNoTracking().Where(b => b.OwnerId == ownerId);
        var query = upcoming
            ? mine.Where(b => b.End > now && (b.Status == BookingStatus.Pending || b.Status == BookingStatus.AwaitingApproval
                    || b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.CheckedIn))
                .OrderBy(b => b.Start).ThenBy(b => b.Id)
            : mine.Where(b => b.End <= now || !(b.Status == BookingStatus.Pending || b.Status == BookingStatus.AwaitingApproval
                    || b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.CheckedIn))
                .OrderByDescending(b => b.Start).ThenBy(b => b.Id);
        var rows = await query.Take(Math.Clamp(limit, 1, PastLimit))
            .Select(b => new
            {
                b.Id, b.Title, b.Status, b.StatusReason, b.Start, b.End, b.AttendeeCount, b.Version, b.CheckedInAt, b.SeriesId,
                ResourceIds = b.Allocations.Select(a => a.ResourceId).ToList(),
            })
            .ToListAsync(ct);

        var resourceIds = rows.SelectMany(r => r.ResourceIds).Distinct().ToArray();
        var resources = await db.Resources.AsNoTracking()
            .Where(r => resourceIds.Contains(r.Id))
            .Select(r => new BookedResource(r.Id, r.Name, r.LocationId, r.Rules.RequiresCheckIn))
            .ToDictionaryAsync(r => r.Id, ct);
        var seriesIds = rows.Where(r => r.SeriesId is not null).Select(r => r.SeriesId!.Value).Distinct().ToArray();
        var summaries = seriesIds.Length == 0 ? []
            : (await db.Set<BookingSeries>().AsNoTracking().Where(s => seriesIds.Contains(s.Id)).ToListAsync(ct)).ToDictionary(s => s.Id, s => s.Summary());
        return rows.Select(r => new MyBookingView(r.Id, r.Title, r.Status, r.StatusReason, r.Start, r.End, r.AttendeeCount, r.Version,
                r.CheckedInAt, r.ResourceIds.Where(resources.ContainsKey).Select(id => resources[id]).OrderBy(x => x.Name).ToList())
            {
                SeriesId = r.SeriesId,
                SeriesSummary = r.SeriesId is { } id ? summaries.GetValueOrDefault(id) : null,
            })
            .ToList();
    }

    /// <summary>A booking's audit trail with people named by their display name or email rather than their user id.</summary>
    public async Task<IReadOnlyList<HistoryLine>> HistoryAsync(Guid bookingId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.BookingHistory.AsNoTracking()
            .Where(h => h.BookingId == bookingId)
            .OrderBy(h => h.At).ThenBy(h => h.Id)
            .Select(h => new HistoryLine(h.At,
                db.Users.Where(u => u.Id == h.ActorId).Select(u => u.DisplayName ?? u.Email).FirstOrDefault() ?? h.ActorId,
                h.Action, h.FromStatus, h.ToStatus, h.Detail))
            .ToListAsync(ct);
    }
}
