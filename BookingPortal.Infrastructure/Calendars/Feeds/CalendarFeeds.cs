using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Calendars.Feeds;

/// <summary>The stretch of time a feed covers (ADR 012): by default 90 days back and a year ahead.</summary>
public sealed record FeedWindow(DateTimeOffset From, DateTimeOffset To)
{
    public static readonly TimeSpan DefaultBack = TimeSpan.FromDays(90);
    public static readonly TimeSpan DefaultAhead = TimeSpan.FromDays(365);

    /// <summary>Longest window a caller may ask for: the default one and a quarter more.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(550);

    public static FeedWindow Around(DateTimeOffset now) => new(now - DefaultBack, now + DefaultAhead);
}

public abstract record FeedResult
{
    private FeedResult()
    {
    }

    public sealed record Ok(string Name, string Text) : FeedResult;

    public sealed record NotFound : FeedResult;

    public sealed record Forbidden(string Reason) : FeedResult;
}

/// <summary>
/// Reads what a feed publishes for one reader: the reader's own bookings, or one resource's or one location's bookings
/// and maintenance, with other people's bookings reduced to "Busy" where the reader does not look after the location.
/// </summary>
public sealed class CalendarFeeds(IDbContextFactory<BookingDbContext> contexts)
{
    public const string BusyTitle = "Busy";

    internal sealed record Row(Guid Id, Guid? SeriesId, DateTimeOffset? OccurrenceStart, string Title, string OwnerId, string OwnerEmail,
        DateTimeOffset Start, DateTimeOffset End, BookingStatus Status, int Revision, DateTimeOffset CreatedAt, DateTimeOffset ChangedAt,
        List<Guid> ResourceIds);

    internal sealed record Place(Guid ResourceId, string Name, string FloorName, Guid LocationId, string LocationName, string TimeZoneId);

    public async Task<FeedResult> MineAsync(Actor reader, FeedWindow window, Func<Guid, Uri>? bookingPage, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await RowsAsync(db, db.Bookings.Where(b => b.OwnerId == reader.UserId), window, ct);
        return new FeedResult.Ok("My bookings", await WriteAsync(db, "My bookings", rows, [], reader, bookingPage, ct));
    }

    public async Task<FeedResult> ResourceAsync(Actor reader, Guid resourceId, FeedWindow window, Func<Guid, Uri>? bookingPage,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var name = await db.Resources.AsNoTracking().Where(r => r.Id == resourceId).Select(r => r.Name).FirstOrDefaultAsync(ct);
        if (name is null)
        {
            return new FeedResult.NotFound();
        }

        var rows = await RowsAsync(db, HeldOrReleased(db).Where(b => b.Allocations.Any(a => a.ResourceId == resourceId)), window, ct);
        var blocks = await BlocksAsync(db, [resourceId], window, ct);
        return new FeedResult.Ok(name, await WriteAsync(db, name, rows, blocks, reader, bookingPage, ct));
    }

    public async Task<FeedResult> LocationAsync(Actor reader, Guid locationId, FeedWindow window, Func<Guid, Uri>? bookingPage,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var name = await db.Locations.AsNoTracking().Where(l => l.Id == locationId).Select(l => l.Name).FirstOrDefaultAsync(ct);
        if (name is null)
        {
            return new FeedResult.NotFound();
        }

        if (!reader.OperatesAt(locationId))
        {
            return new FeedResult.Forbidden("A location's calendar is for its operators and admins.");
        }

        var resourceIds = await db.Resources.AsNoTracking().Where(r => r.LocationId == locationId).Select(r => r.Id).ToListAsync(ct);
        var rows = await RowsAsync(db, HeldOrReleased(db).Where(b => b.Allocations.Any(a => resourceIds.Contains(a.ResourceId))), window, ct);
        var blocks = await BlocksAsync(db, resourceIds, window, ct);
        return new FeedResult.Ok(name, await WriteAsync(db, name, rows, blocks, reader, bookingPage, ct));
    }

    /// <summary>Resource calendars show what holds the resource, and what stopped holding it so that apps drop it; not the wait list.</summary>
    private static IQueryable<Booking> HeldOrReleased(BookingDbContext db) => db.Bookings.Where(b => b.Status != BookingStatus.Pending);

    /// <summary>
    /// The bookings in the window, and every other member (in the same scope) of a series that reaches into it: a
    /// series is one repeating event, which must know all its occurrences to say which ones are gone or moved.
    /// </summary>
    private static async Task<List<Row>> RowsAsync(BookingDbContext db, IQueryable<Booking> scope, FeedWindow window, CancellationToken ct)
    {
        var inWindow = await Project(scope.Where(b => b.End > window.From && b.Start < window.To)).ToListAsync(ct);
        var seriesIds = inWindow.Where(r => r.SeriesId is not null).Select(r => r.SeriesId!.Value).Distinct().ToList();
        if (seriesIds.Count == 0)
        {
            return inWindow;
        }

        var stored = await db.Set<BookingSeries>().AsNoTracking().Where(s => seriesIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        var seen = inWindow.Select(r => r.Id).ToHashSet();
        var others = await Project(scope.Where(b => b.SeriesId != null && stored.Contains(b.SeriesId.Value))).ToListAsync(ct);
        return inWindow.Concat(others.Where(r => !seen.Contains(r.Id))).ToList();
    }

    internal static IQueryable<Row> Project(IQueryable<Booking> bookings) =>
        bookings.AsNoTracking().Select(b => new Row(b.Id, b.SeriesId, b.OccurrenceStart, b.Title, b.OwnerId, b.OwnerEmail, b.Start, b.End,
            b.Status, b.Revision, b.CreatedAt, b.ChangedAt, b.Allocations.Select(a => a.ResourceId).ToList()));

    private static async Task<List<(Guid Id, Guid ResourceId, string Reason, TimeRange Range, DateTimeOffset CreatedAt)>> BlocksAsync(
        BookingDbContext db, IReadOnlyCollection<Guid> resourceIds, FeedWindow window, CancellationToken ct)
    {
        var blocks = await db.MaintenanceBlocks.AsNoTracking()
            .Where(m => resourceIds.Contains(m.ResourceId) && m.End > window.From && m.Start < window.To)
            .Select(m => new { m.Id, m.ResourceId, m.Reason, m.Start, m.End, m.CreatedAt })
            .ToListAsync(ct);
        return blocks.Select(m => (m.Id, m.ResourceId, m.Reason, new TimeRange(m.Start, m.End), m.CreatedAt)).ToList();
    }

    private static async Task<string> WriteAsync(BookingDbContext db, string name, IReadOnlyCollection<Row> rows,
        IReadOnlyCollection<(Guid Id, Guid ResourceId, string Reason, TimeRange Range, DateTimeOffset CreatedAt)> blocks, Actor reader,
        Func<Guid, Uri>? bookingPage, CancellationToken ct)
    {
        var places = await PlacesAsync(db, rows.SelectMany(r => r.ResourceIds).Concat(blocks.Select(b => b.ResourceId)), ct);
        var bookings = Entries(rows, places, (r, mine) => r.OwnerId == reader.UserId || mine.All(p => reader.OperatesAt(p.LocationId)));

        var entries = blocks.Select(b =>
        {
            var place = places[b.ResourceId];
            var summary = reader.OperatesAt(place.LocationId) ? $"Maintenance: {b.Reason}" : "Maintenance";
            return new BlockEntry(b.Id, summary, b.Range.Start, b.Range.End, b.CreatedAt, Describe([place]), place.TimeZoneId);
        }).ToList();

        var series = await SeriesAsync(db, bookings, ct);
        return BookingCalendar.Serialize(BookingCalendar.Feed(name, bookings, entries, series, bookingPage));
    }

    /// <summary>Where each resource is, for an entry's LOCATION and time zone.</summary>
    internal static Task<Dictionary<Guid, Place>> PlacesAsync(BookingDbContext db, IEnumerable<Guid> resourceIds, CancellationToken ct)
    {
        var ids = resourceIds.Distinct().ToList();
        return (
                from r in db.Resources.AsNoTracking()
                join f in db.Floors.AsNoTracking() on r.FloorId equals f.Id
                join l in db.Locations.AsNoTracking() on r.LocationId equals l.Id
                where ids.Contains(r.Id)
                select new Place(r.Id, r.Name, f.Name, l.Id, l.Name, l.TimeZoneId))
            .ToDictionaryAsync(p => p.ResourceId, ct);
    }

    /// <summary>The rows as calendar entries: "Busy" and without their owner where <paramref name="visible"/> says so.</summary>
    internal static List<BookingEntry> Entries(IEnumerable<Row> rows, IReadOnlyDictionary<Guid, Place> places,
        Func<Row, IReadOnlyList<Place>, bool> visible) =>
        rows.Where(r => r.ResourceIds.Count > 0).Select(r =>
        {
            var mine = r.ResourceIds.Select(id => places[id]).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var shown = visible(r, mine);
            return new BookingEntry(r.Id, r.SeriesId, r.OccurrenceStart, shown ? r.Title : BusyTitle, !shown, r.Start, r.End, r.Status,
                r.Revision, r.CreatedAt, r.ChangedAt, Describe(mine), mine[0].TimeZoneId, shown ? r.OwnerEmail : null);
        }).ToList();

    /// <summary>The stored rules of the series among the entries, with the change count over all their members.</summary>
    internal static async Task<Dictionary<Guid, SeriesEntry>> SeriesAsync(BookingDbContext db, IEnumerable<BookingEntry> bookings, CancellationToken ct)
    {
        var ids = bookings.Where(b => b.SeriesId is not null).Select(b => b.SeriesId!.Value).Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var rules = await db.Set<BookingSeries>().AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(ct);
        var changes = await db.Bookings.AsNoTracking()
            .Where(b => b.SeriesId != null && ids.Contains(b.SeriesId.Value))
            .GroupBy(b => b.SeriesId!.Value)
            .Select(g => new { Id = g.Key, Sequence = g.Sum(b => b.Revision - 1), ChangedAt = g.Max(b => b.ChangedAt) })
            .ToDictionaryAsync(g => g.Id, ct);
        return rules.ToDictionary(s => s.Id, s => new SeriesEntry(s, changes[s.Id].Sequence, changes[s.Id].ChangedAt));
    }

    /// <summary>"Room 1, 2nd floor, HQ"; several resources read "Room 1 + Room 2, 2nd floor, HQ".</summary>
    internal static string Describe(IReadOnlyList<(string Name, string FloorName, string LocationName)> places) =>
        string.Join(", ", new[]
        {
            string.Join(" + ", places.Select(p => p.Name)),
            string.Join(" + ", places.Select(p => p.FloorName).Distinct()),
            string.Join(" + ", places.Select(p => p.LocationName).Distinct()),
        });

    private static string Describe(IReadOnlyList<Place> places) => Describe(places.Select(p => (p.Name, p.FloorName, p.LocationName)).ToList());
}
