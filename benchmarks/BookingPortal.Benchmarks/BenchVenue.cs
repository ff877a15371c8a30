using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Benchmarks;

/// <summary>
/// One location open around the clock with identical rooms, and a plan of slots that never overlap: every operation
/// of every phase gets its own (resource, slot) pair, so the throughput phases measure inserts and never conflicts.
/// </summary>
internal sealed class BenchVenue
{
    public static readonly TimeSpan SlotLength = TimeSpan.FromMinutes(30);

    private readonly DateTimeOffset _firstSlot;
    private readonly int _slotsInHorizon;
    private int _nextRow;

    private BenchVenue(Location location, IReadOnlyList<Resource> resources, DateTimeOffset now)
    {
        Location = location;
        Resources = resources;
        // Midnight-aligned slots never straddle a day, and a day's margin keeps clear of the past-start check.
        _firstSlot = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        _slotsInHorizon = (int)((now + BookingRules.Default.Horizon - _firstSlot) / SlotLength) - 1;
    }

    public Location Location { get; }

    public IReadOnlyList<Resource> Resources { get; }

    public static async Task<BenchVenue> SeedAsync(IDbContextFactory<BookingDbContext> contexts, int resourceCount, DateTimeOffset now)
    {
        var openAllDay = Enum.GetValues<DayOfWeek>().Select(day => new OpeningInterval(day, TimeOnly.MinValue, TimeOnly.MinValue));
        // A unique name lets repeated runs share a configured database without colliding.
        var location = new Location(Guid.CreateVersion7(), $"Bench {Guid.NewGuid():N}"[..14], "Etc/UTC", openAllDay);
        var floor = new Floor(Guid.CreateVersion7(), location.Id, "Ground", 0, 100, 60);
        var resources = Enumerable.Range(0, resourceCount)
            .Select(i => new Resource(Guid.CreateVersion7(), location.Id, floor.Id, ResourceKind.Room, $"Room {i:D3}", 6, [],
                FloorplanShape.Rectangle(i % 10 * 10, i / 10 * 10, 8, 8), BookingRules.Default))
            .ToList();

        await using var db = await contexts.CreateDbContextAsync();
        db.Locations.Add(location);
        db.Floors.Add(floor);
        db.Resources.AddRange(resources);
        await db.SaveChangesAsync();
        return new BenchVenue(location, resources, now);
    }

    /// <summary>Reserves enough fresh slot rows for <paramref name="operations"/> operations spread over all resources.</summary>
    public SlotBlock Reserve(int operations)
    {
        var rows = (operations + Resources.Count - 1) / Resources.Count;
        var first = _nextRow;
        // A spare row between blocks keeps each block's bookings out of the next block's neighbourhood.
        _nextRow += rows + 1;
        if (_nextRow > _slotsInHorizon)
        {
            throw new ArgumentException(
                $"The plan needs {_nextRow} slots per resource but the booking horizon holds {_slotsInHorizon}; " +
                "use fewer operations or more resources.");
        }

        return new SlotBlock(this, first);
    }

    /// <summary>One slot that nothing else in the plan touches, with free slots around it for the conflict advisor to suggest.</summary>
    public (Resource Resource, TimeRange Range) ReserveLone(int index)
    {
        var block = Reserve(Resources.Count * 6);
        return (Resources[index % Resources.Count], block.RangeOfRow(3));
    }

    internal TimeRange Range(int row) => new(_firstSlot + SlotLength * row, _firstSlot + SlotLength * (row + 1));

    public readonly struct SlotBlock(BenchVenue venue, int firstRow)
    {
        /// <summary>
        /// Consecutive operations take consecutive resources, so operations in flight at the same time (at most
        /// one per worker) always touch different resources.
        /// </summary>
        public (Resource Resource, TimeRange Range) For(int operation) =>
            (venue.Resources[operation % venue.Resources.Count], venue.Range(firstRow + operation / venue.Resources.Count));

        internal TimeRange RangeOfRow(int offset) => venue.Range(firstRow + offset);
    }
}
