using BookingPortal.Infrastructure.Catalog;
using Microsoft.Extensions.Caching.Memory;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using BookingPortal.Infrastructure.Reports;

namespace BookingPortal.Tests.Support;

/// <summary>A booking engine over a real, migrated PostgreSQL database, with a clock the test controls.</summary>
public sealed class EngineHarness
{
    /// <summary>Monday 2027-03-01, 06:00 in Berlin, before the venue opens.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2027, 3, 1, 5, 0, 0, TimeSpan.Zero);

    public EngineHarness(string connectionString, DateTimeOffset? now = null)
    {
        ConnectionString = connectionString;
        var options = new DbContextOptionsBuilder<BookingDbContext>()
            .UseNpgsql(connectionString)
            .Options;
        Contexts = new PooledDbContextFactory<BookingDbContext>(options);
        Clock = new ManualTimeProvider(now ?? DefaultNow);
        Engine = new BookingEngine(Contexts, Snapshots, Clock, NullLogger<BookingEngine>.Instance, new DemandLog(Contexts, Clock));
    }

    public string ConnectionString { get; }
    public IDbContextFactory<BookingDbContext> Contexts { get; }
    public ResourceSnapshots Snapshots { get; } = new(new MemoryCache(new MemoryCacheOptions()));
    public ManualTimeProvider Clock { get; }
    public BookingEngine Engine { get; }

    public async Task<Venue> SeedVenueAsync(Action<VenueBuilder> describe)
    {
        var builder = new VenueBuilder();
        describe(builder);
        var venue = builder.Build();
        await using var db = await Contexts.CreateDbContextAsync();
        db.Locations.Add(venue.Location);
        db.Floors.AddRange(venue.Floors);
        db.Resources.AddRange(venue.Resources.Values);
        await db.SaveChangesAsync();
        return venue;
    }

    public async Task AddBlockAsync(Resource resource, TimeRange range)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        db.MaintenanceBlocks.Add(new MaintenanceBlock(Guid.CreateVersion7(), resource.Id, range, "Carpet cleaning", "test", Clock.GetUtcNow()));
        await db.SaveChangesAsync();
    }

    public async Task<int> HoldingAllocationsAsync(Guid resourceId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.Allocations.CountAsync(a => a.ResourceId == resourceId && a.Holds);
    }

    public async Task<List<BookingHistoryEntry>> HistoryAsync(Guid bookingId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.BookingHistory.Where(h => h.BookingId == bookingId).OrderBy(h => h.At).ThenBy(h => h.Id).ToListAsync();
    }

    public async Task<Booking> LoadAsync(Guid bookingId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.Bookings.Include(b => b.Allocations).SingleAsync(b => b.Id == bookingId);
    }

    public async Task<int> BookingCountAsync(Guid resourceId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.Bookings.CountAsync(b => b.Allocations.Any(a => a.ResourceId == resourceId));
    }
}

public sealed record Venue(Location Location, IReadOnlyList<Floor> Floors, IReadOnlyDictionary<string, Resource> Resources)
{
    public Resource this[string name] => Resources[name];

    /// <summary>A UTC range for a wall-clock time on a local day at this venue.</summary>
    public TimeRange At(DateOnly day, string from, string to) =>
        new(Location.ToUtc(day, TimeOnly.Parse(from)), Location.ToUtc(day, TimeOnly.Parse(to)));
}

public sealed class VenueBuilder
{
    private readonly List<ResourceBuilder> _resources = [];
    private readonly List<ResourceBuilder> _upstairs = [];
    private string _zone = "Europe/Berlin";
    private IEnumerable<OpeningInterval> _hours = TestData.Weekdays(new TimeOnly(7, 0), new TimeOnly(20, 0));
    private readonly List<Closure> _closures = [];

    public VenueBuilder InZone(string zone)
    {
        _zone = zone;
        return this;
    }

    public VenueBuilder OpenAllDay()
    {
        _hours = TestData.AllDayEveryDay();
        return this;
    }

    public VenueBuilder OpenAt(IEnumerable<OpeningInterval> hours)
    {
        _hours = hours;
        return this;
    }

    public VenueBuilder ClosedOn(Closure closure)
    {
        _closures.Add(closure);
        return this;
    }

    public ResourceBuilder Room(string name, int capacity = 6)
    {
        var room = TestData.Room(name).WithCapacity(capacity);
        _resources.Add(room);
        return room;
    }

    public ResourceBuilder Desk(string name)
    {
        var desk = TestData.Room(name).Desk();
        _resources.Add(desk);
        return desk;
    }

    /// <summary>A room on a second floor ("First"), which only exists when something is placed there.</summary>
    public ResourceBuilder RoomUpstairs(string name, int capacity = 6)
    {
        var room = TestData.Room(name).WithCapacity(capacity);
        _upstairs.Add(room);
        return room;
    }

    internal Venue Build()
    {
        var location = new Location(Guid.CreateVersion7(), $"Venue {Guid.NewGuid():N}"[..14], _zone, _hours);
        location.SetClosures(_closures);
        var floor = new Floor(Guid.CreateVersion7(), location.Id, "Ground", 0, 100, 60);
        var first = new Floor(Guid.CreateVersion7(), location.Id, "First", 1, 100, 60);
        var resources = _resources.Select(r => r.OnFloor(floor.Id).Build(location))
            .Concat(_upstairs.Select(r => r.OnFloor(first.Id).Build(location)))
            .ToDictionary(r => r.Name);
        return new Venue(location, _upstairs.Count == 0 ? [floor] : [floor, first], resources);
    }
}
