using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Catalog;

/// <summary>Read side of locations and resources: no tracking, shaped for screens and the API.</summary>
public sealed class ResourceCatalog(IDbContextFactory<BookingDbContext> contexts)
{
    public async Task<IReadOnlyList<LocationView>> LocationsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var locations = await db.Locations.AsNoTracking().OrderBy(l => l.Name).ToListAsync(ct);
        var floors = await db.Floors.AsNoTracking().OrderBy(f => f.SortOrder).ThenBy(f => f.Name).ToListAsync(ct);
        return locations.Select(l => LocationView.Of(l, floors)).ToList();
    }

    public async Task<IReadOnlyList<ResourceView>> ResourcesAsync(ResourceFilter filter, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await QueryAsync(Filter(db.Resources.AsNoTracking(), filter), filter, ct);
    }

    public async Task<ResourceView?> ResourceAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resource = await db.Resources.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return resource is null ? null : ResourceView.Of(resource);
    }

    /// <summary>Active resources with no holding allocation in the window, each widened by its own buffers.</summary>
    public async Task<IReadOnlyList<ResourceView>> AvailableAsync(TimeRange window, ResourceFilter filter, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var candidates = await Filter(db.Resources.AsNoTracking(), filter with { IncludeInactive = false })
            .OrderBy(r => r.Capacity).ThenBy(r => r.Name)
            .ToListAsync(ct);
        var features = filter.Features ?? [];
        candidates = candidates.Where(r => r.HasFeatures(features)).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var widest = TimeSpan.FromMinutes(candidates.Max(r => Math.Max(r.Rules.BufferBefore.TotalMinutes, r.Rules.BufferAfter.TotalMinutes)));
        var holding = await ConflictAdvisor.HoldingAsync(db, candidates.Select(r => r.Id).ToList(), window.Widen(widest, widest), null, ct);
        return candidates
            .Where(r => ConflictAdvisor.Collisions([r], window, holding).Count == 0)
            .Select(ResourceView.Of)
            .ToList();
    }

    private static IQueryable<Resource> Filter(IQueryable<Resource> query, ResourceFilter filter)
    {
        if (!filter.IncludeInactive)
        {
            query = query.Where(r => r.IsActive);
        }

        if (filter.LocationId is { } locationId)
        {
            query = query.Where(r => r.LocationId == locationId);
        }

        if (filter.FloorId is { } floorId)
        {
            query = query.Where(r => r.FloorId == floorId);
        }

        if (filter.Kind is { } kind)
        {
            query = query.Where(r => r.Kind == kind);
        }

        if (filter.MinCapacity is { } minCapacity)
        {
            query = query.Where(r => r.Capacity >= minCapacity);
        }

        return query;
    }

    private static async Task<IReadOnlyList<ResourceView>> QueryAsync(IQueryable<Resource> query, ResourceFilter filter, CancellationToken ct)
    {
        var resources = await query.OrderBy(r => r.Capacity).ThenBy(r => r.Name).ToListAsync(ct);
        var features = filter.Features ?? [];
        return resources.Where(r => r.HasFeatures(features)).Select(ResourceView.Of).ToList();
    }
}
