using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

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

    /// <summary>The feed, and its entity tag: a digest of everything the text is made from, known before the text is.</summary>
    public sealed record Ok(string Name, string Text, string Tag) : FeedResult;

    public sealed record NotFound : FeedResult;

    public sealed record Forbidden(string Reason) : FeedResult;
}

/// <summary>
/// Reads what a feed publishes for one reader: the reader's own bookings, or one resource's or one location's bookings
/// and maintenance, with other people's bookings reduced to "Busy" where the reader does not look after the location.
/// </summary>
public sealed class CalendarFeeds(IDbContextFactory<BookingDbContext> contexts) : IDisposable
{
    public const string BusyTitle = "Busy";

    /// <summary>
    /// Texts of recent feeds by their digest. Building a feed of thousands of events through Ical.Net takes a good part
    /// of a second, while calendar apps ask again every few minutes for what has mostly not changed; readers who see
    /// the same entries (everyone who gets "Busy" for a room) share one text. Bounded by characters held.
    /// </summary>
    private readonly MemoryCache _texts = new(new MemoryCacheOptions { SizeLimit = 64 * 1024 * 1024 });

    internal sealed record Row(Guid Id, Guid? SeriesId, DateTimeOffset? OccurrenceStart, string Title, string OwnerId, string OwnerEmail,
        DateTimeOffset Start, DateTimeOffset End, BookingStatus Status, int Revision, DateTimeOffset CreatedAt, DateTimeOffset ChangedAt,
        List<Guid> ResourceIds);

    internal sealed record Place(Guid ResourceId, string Name, string FloorName, Guid LocationId, string LocationName, string TimeZoneId);

    public async Task<FeedResult> MineAsync(Actor reader, FeedWindow window, Func<Guid, Uri>? bookingPage, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await RowsAsync(db, db.Bookings.Where(b => b.OwnerId == reader.UserId), window, ct);
        var (text, tag) = await WriteAsync(db, "My bookings", rows, [], reader, bookingPage, ct);
        return new FeedResult.Ok("My bookings", text, tag);
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
        var (text, tag) = await WriteAsync(db, name, rows, blocks, reader, bookingPage, ct);
        return new FeedResult.Ok(name, text, tag);
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
        var (text, tag) = await WriteAsync(db, name, rows, blocks, reader, bookingPage, ct);
        return new FeedResult.Ok(name, text, tag);
    }

    /// <summary>
    /// One booking to add to a calendar by hand ("Add to calendar"): a member of a series comes with the whole series,
    /// since calendar apps know it as one repeating event with one UID.
    /// </summary>
    public async Task<FeedResult> BookingAsync(Actor reader, Guid bookingId, Func<Guid, Uri>? bookingPage, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var booking = await db.Bookings.AsNoTracking().Where(b => b.Id == bookingId)
            .Select(b => new
            {
                b.Title,
                b.SeriesId,
                b.OwnerId,
                Locations = b.Allocations.Join(db.Resources, a => a.ResourceId, r => r.Id, (_, r) => r.LocationId).ToList(),
            })
            .FirstOrDefaultAsync(ct);
        if (booking is null)
        {
            return new FeedResult.NotFound();
        }

        var seriesId = booking.SeriesId is { } id && await db.Set<BookingSeries>().AnyAsync(s => s.Id == id, ct) ? id : (Guid?)null;
        var scope = seriesId is null ? db.Bookings.Where(b => b.Id == bookingId) : db.Bookings.Where(b => b.SeriesId == seriesId);
        var rows = await Project(scope).ToListAsync(ct);
        var (text, tag) = await WriteAsync(db, booking.Title, rows, [], reader, bookingPage, ct);
        var visible = booking.OwnerId == reader.UserId || booking.Locations.All(reader.OperatesAt);
        return new FeedResult.Ok(visible ? booking.Title : BusyTitle, text, tag);
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

    private async Task<(string Text, string Tag)> WriteAsync(BookingDbContext db, string name, IReadOnlyCollection<Row> rows,
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
        var tag = DigestOf(name, bookings, entries, series, bookingPage);
        if (!_texts.TryGetValue(tag, out string? text) || text is null)
        {
            text = BookingCalendar.FeedText(name, bookings, entries, series, bookingPage, Part);
            _texts.Set(tag, text, new MemoryCacheEntryOptions { Size = text.Length, SlidingExpiration = TimeSpan.FromMinutes(30) });
        }

        return (text, tag);
    }

    /// <summary>One event's text, kept by a digest of what it is made from (see <see cref="BookingCalendar.FeedText"/>).</summary>
    private string Part(string madeFrom, Func<string> build)
    {
        var key = "part " + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(madeFrom)));
        if (!_texts.TryGetValue(key, out string? text) || text is null)
        {
            text = build();
            _texts.Set(key, text, new MemoryCacheEntryOptions { Size = text.Length, SlidingExpiration = TimeSpan.FromHours(6) });
        }

        return text;
    }

    /// <summary>
    /// Everything the feed's text is made of, hashed: the entries as this reader sees them, the series rules and their
    /// change counts, the calendar's name and where its links point. Equal digests make equal texts.
    /// </summary>
    private static string DigestOf(string name, IEnumerable<BookingEntry> bookings, IEnumerable<BlockEntry> blocks,
        IReadOnlyDictionary<Guid, SeriesEntry> series, Func<Guid, Uri>? bookingPage)
    {
        // The year is what the time-zone rules start from (see BookingCalendar.AddTimeZones).
        var input = new StringBuilder(name).Append('\n').Append(bookingPage?.Invoke(Guid.Empty)).Append('\n').Append(DateTime.UtcNow.Year).Append('\n');
        foreach (var b in bookings.OrderBy(b => b.BookingId))
        {
            input.Append(CultureInfo.InvariantCulture, $"{b}\n");
        }

        foreach (var b in blocks.OrderBy(b => b.BlockId))
        {
            input.Append(CultureInfo.InvariantCulture, $"{b}\n");
        }

        foreach (var (id, entry) in series.OrderBy(s => s.Key))
        {
            var rule = entry.Series;
            input.Append(CultureInfo.InvariantCulture,
                $"{id} {rule.TimeZoneId} {rule.FirstStart:O} {rule.FirstEnd:O} {rule.Rule} {rule.CreatedAt:O} {entry.Sequence} {entry.ChangedAt:O}\n");
        }

        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(input.ToString())))[..27];
    }

    public void Dispose() => _texts.Dispose();

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
        // Edits of the series itself and changes handed to a continuation count too, so SEQUENCE only ever goes up.
        return rules.ToDictionary(s => s.Id, s => new SeriesEntry(s, s.SequenceBase + s.Revision + changes[s.Id].Sequence, changes[s.Id].ChangedAt));
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
