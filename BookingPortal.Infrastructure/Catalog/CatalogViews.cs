using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;

namespace BookingPortal.Infrastructure.Catalog;

public sealed record FloorView(Guid Id, string Name, int SortOrder, double PlanWidth, double PlanHeight, string? BackgroundImageUrl)
{
    public static FloorView Of(Floor f) => new(f.Id, f.Name, f.SortOrder, f.PlanWidth, f.PlanHeight, f.BackgroundImageUrl);
}

public sealed record LocationView(
    Guid Id,
    string Name,
    string TimeZone,
    IReadOnlyList<OpeningInterval> OpeningHours,
    IReadOnlyList<Closure> Closures,
    int NoShowGraceMinutes,
    IReadOnlyList<FloorView> Floors)
{
    /// <summary>The location with those of <paramref name="floors"/> that belong to it, in their order.</summary>
    public static LocationView Of(Location l, IEnumerable<Floor> floors) => new(l.Id, l.Name, l.TimeZoneId, l.OpeningHours, l.Closures,
        (int)l.NoShowGracePeriod.TotalMinutes,
        floors.Where(f => f.LocationId == l.Id).OrderBy(f => f.SortOrder).ThenBy(f => f.Name).Select(FloorView.Of).ToList());
}

public sealed record ResourceView(
    Guid Id,
    Guid LocationId,
    Guid FloorId,
    ResourceKind Kind,
    string Name,
    int Capacity,
    IReadOnlyList<string> Features,
    FloorplanShape Shape,
    int BufferBeforeMinutes,
    int BufferAfterMinutes,
    int MinDurationMinutes,
    int MaxDurationMinutes,
    int HorizonDays,
    bool RequiresApproval,
    bool RequiresCheckIn,
    bool IsActive)
{
    public static ResourceView Of(Resource r) => new(r.Id, r.LocationId, r.FloorId, r.Kind, r.Name, r.Capacity, r.Features, r.Shape,
        (int)r.Rules.BufferBefore.TotalMinutes, (int)r.Rules.BufferAfter.TotalMinutes, (int)r.Rules.MinDuration.TotalMinutes,
        (int)r.Rules.MaxDuration.TotalMinutes, (int)r.Rules.Horizon.TotalDays, r.Rules.RequiresApproval, r.Rules.RequiresCheckIn, r.IsActive);
}

public sealed record ResourceFilter(Guid? LocationId = null, Guid? FloorId = null, ResourceKind? Kind = null, int? MinCapacity = null,
    IReadOnlyList<string>? Features = null, bool IncludeInactive = false);
