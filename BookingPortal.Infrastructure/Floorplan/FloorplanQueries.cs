using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Floorplan;

/// <summary>Read side of floorplans, wall displays and the operator console: no tracking, the location's own clock.</summary>
public sealed class FloorplanQueries(IDbContextFactory<BookingDbContext> contexts, TimeProvider time)
{
    private static readonly BookingStatus[] Shown =
        [BookingStatus.AwaitingApproval, BookingStatus.Confirmed, BookingStatus.CheckedIn, BookingStatus.Completed, BookingStatus.NoShow];

    /// <summary>The location's floors and resources in their states now, with the bookings of its local day; null if unknown.</summary>
    public async Task<FloorplanBoard?> BoardAsync(Guid locationId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var location = await db.Locations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == locationId, ct);
        if (location is null)
        {
            return null;
        }

        var utcNow = time.GetUtcNow();
        var now = location.ToLocal(utcNow);
        var today = DateOnly.FromDateTime(now.DateTime);
        var dayStart = location.ToUtc(today, TimeOnly.MinValue);
        // Arrivals within the hour may fall after midnight.
        var windowEnd = Max(location.ToUtc(today.AddDays(1), TimeOnly.MinValue), utcNow + FloorplanBoard.ArrivalsWindow);

        var floors = await db.Floors.AsNoTracking()
            .Where(f => f.LocationId == locationId)
            .OrderBy(f => f.SortOrder).ThenBy(f => f.Name)
            .ToListAsync(ct);
        var resources = await db.Resources.AsNoTracking()
            .Where(r => r.LocationId == locationId && r.IsActive)
            .OrderBy(r => r.Name)
            .ToListAsync(ct);
        var ids = resources.Select(r => r.Id).ToList();
        var bookings = await db.Bookings.AsNoTracking()
            .Where(b => b.Start < windowEnd && b.End > dayStart && Shown.Contains(b.Status)
                && b.Allocations.Any(a => ids.Contains(a.ResourceId)))
            .Include(b => b.Allocations)
            .OrderBy(b => b.Start).ThenBy(b => b.Id)
            .ToListAsync(ct);
        var blocks = await db.MaintenanceBlocks.AsNoTracking()
            .Where(m => ids.Contains(m.ResourceId) && m.Start <= utcNow && m.End > utcNow)
            .ToListAsync(ct);

        var checkInResources = resources.Where(r => r.Rules.RequiresCheckIn).Select(r => r.Id).ToHashSet();
        var views = bookings.Select(b => View(b, location, utcNow, b.ResourceIds.Any(checkInResources.Contains))).ToList();
        var byResource = ids.ToDictionary(id => id, id => views.Where(v => v.ResourceIds.Contains(id)).ToList());

        BoardResource Describe(Resource r)
        {
            var block = blocks.Where(m => m.ResourceId == r.Id).Select(m => new BoardBlock(m.Id, m.Reason, location.ToLocal(m.Start), location.ToLocal(m.End)))
                .FirstOrDefault();
            var (state, current, next) = ResourceStates.Evaluate(now, r.Rules.RequiresCheckIn, byResource[r.Id], block);
            return new BoardResource(r.Id, r.FloorId, r.Name, r.Kind, r.Capacity, r.Shape, r.Rules.RequiresCheckIn, state, current, next, block);
        }

        var boardFloors = floors
            .Select(f => new BoardFloor(f.Id, f.Name, f.SortOrder, f.PlanWidth, f.PlanHeight, f.BackgroundImageUrl,
                resources.Where(r => r.FloorId == f.Id).Select(Describe).ToList()))
            .ToList();
        var todayViews = views.Where(v => DateOnly.FromDateTime(v.Start.DateTime) == today || v.End > now).ToList();
        return new FloorplanBoard(location.Id, location.Name, location.TimeZoneId, now, boardFloors, todayViews);
    }

    /// <summary>A floor with every resource of its location, for the editor; null if the floor is unknown.</summary>
    public async Task<FloorEditorView?> EditorAsync(Guid floorId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var floor = await db.Floors.AsNoTracking().FirstOrDefaultAsync(f => f.Id == floorId, ct);
        if (floor is null)
        {
            return null;
        }

        var locationName = await db.Locations.AsNoTracking().Where(l => l.Id == floor.LocationId).Select(l => l.Name).FirstAsync(ct);
        var floorNames = await db.Floors.AsNoTracking().Where(f => f.LocationId == floor.LocationId).ToDictionaryAsync(f => f.Id, f => f.Name, ct);
        var resources = (await db.Resources.AsNoTracking()
                .Where(r => r.LocationId == floor.LocationId && r.IsActive)
                .OrderBy(r => r.Name)
                .ToListAsync(ct))
            .Select(r => new EditorResource(r.Id, r.FloorId, floorNames.GetValueOrDefault(r.FloorId, "?"), r.Name, r.Kind, r.Capacity, r.Shape))
            .ToList();
        return new FloorEditorView(floor.Id, floor.LocationId, locationName, floor.Name, floor.PlanWidth, floor.PlanHeight, floor.BackgroundImageUrl,
            resources.Where(r => r.FloorId == floorId).ToList(), resources.Where(r => r.FloorId != floorId).ToList());
    }

    /// <summary>The stored floor plan picture when <paramref name="sha256"/> names its current content.</summary>
    public async Task<(string ContentType, byte[] Content)?> FloorImageAsync(Guid floorId, string sha256, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var image = await db.Set<FloorPlanImage>().AsNoTracking()
            .Where(i => i.FloorId == floorId && i.Sha256 == sha256)
            .Select(i => new { i.ContentType, i.Content })
            .FirstOrDefaultAsync(ct);
        return image is null ? null : (image.ContentType, image.Content);
    }

    private static BoardBooking View(Booking b, Location location, DateTimeOffset utcNow, bool requiresCheckIn) => new(
        b.Id, b.Title, b.OwnerId, b.OwnerEmail, location.ToLocal(b.Start), location.ToLocal(b.End), b.Status, b.AttendeeCount,
        b.CheckedInAt is { } at ? location.ToLocal(at) : null,
        b.ResourceIds.Order().ToList(),
        CanCheckIn: b.Status == BookingStatus.Confirmed && b.IsCheckInOpen(utcNow, location.NoShowGracePeriod),
        CanMarkNoShow: b.Status == BookingStatus.Confirmed && requiresCheckIn && utcNow > b.CheckInClosesAt(location.NoShowGracePeriod),
        CanCancel: b.Status is BookingStatus.AwaitingApproval or BookingStatus.Confirmed && b.End > utcNow);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
