using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Reports;

namespace BookingPortal.Infrastructure.Catalog;

/// <summary>
/// What someone looking for a room asks for. Capacity is a hard minimum; features and floor are wishes that rank the
/// answers, so a room without the whiteboard is still offered, below those that have one.
/// </summary>
public sealed record RoomSearch(
    Guid LocationId,
    TimeRange Window,
    int Attendees,
    IReadOnlyList<string> Features,
    Guid? PreferredFloorId = null,
    ResourceKind Kind = ResourceKind.Room);

public sealed record RoomMatch(ResourceView Resource, IReadOnlyList<string> MissingFeatures, bool OnPreferredFloor, int SpareSeats)
{
    public bool MatchesEverything => MissingFeatures.Count == 0 && OnPreferredFloor;
}

/// <summary>Free resources for a window, best fit first.</summary>
public sealed class RoomFinder(ResourceCatalog catalog, DemandLog demand)
{
    /// <summary>
    /// Resources free for the whole window whose duration rules allow it, ranked: every wished feature before fewer,
    /// the preferred floor before others, then the fewest spare seats so large rooms stay free for large groups.
    /// A search that finds nothing is recorded as unmet demand, once per searcher while the page re-runs it.
    /// </summary>
    public async Task<IReadOnlyList<RoomMatch>> FindAsync(RoomSearch search, Actor searcher, CancellationToken ct = default)
    {
        var free = await catalog.AvailableAsync(search.Window,
            new ResourceFilter(LocationId: search.LocationId, Kind: search.Kind, MinCapacity: Math.Max(1, search.Attendees)), ct);
        var wanted = search.Features.Select(f => f.Trim().ToLowerInvariant()).Where(f => f.Length > 0).Distinct().ToList();
        var minutes = search.Window.Duration.TotalMinutes;
        var matches = free
            .Where(r => r.MinDurationMinutes <= minutes && minutes <= r.MaxDurationMinutes)
            .Select(r => new RoomMatch(r, wanted.Except(r.Features).ToList(),
                search.PreferredFloorId is not { } floor || r.FloorId == floor, r.Capacity - search.Attendees))
            .OrderBy(m => m.MissingFeatures.Count)
            .ThenByDescending(m => m.OnPreferredFloor)
            .ThenBy(m => m.SpareSeats)
            .ThenBy(m => m.Resource.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        if (matches.Count == 0)
        {
            await demand.RecordEmptySearchAsync(search.LocationId, search.Kind, search.Window, search.Attendees, searcher.UserId, ct);
        }

        return matches;
    }
}
