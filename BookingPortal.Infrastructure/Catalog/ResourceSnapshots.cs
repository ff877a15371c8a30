using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace BookingPortal.Infrastructure.Catalog;

/// <summary>
/// Resources with their location, as the booking engine checks rules against them. Every create needs them and they
/// change rarely, so they are kept briefly in memory: this instance forgets a resource as soon as it changes it, other
/// instances after <see cref="Lifetime"/>. The exclusion constraint never depends on this copy, so a stale rule can
/// at worst accept or refuse one request by the old rule, never double-book.
/// </summary>
public sealed class ResourceSnapshots(IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private long _generation;

    public async Task<(List<Resource> Resources, Location? Location)> GetAsync(BookingDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return ([], null);
        }

        var cached = new List<(Resource Resource, Location Location)>(ids.Count);
        foreach (var id in ids.Distinct())
        {
            if (!cache.TryGetValue(Key(id), out (Resource Resource, Location Location) entry))
            {
                return await LoadAsync(db, ids, ct);
            }

            cached.Add(entry);
        }

        return (cached.Select(c => c.Resource).ToList(), cached[0].Location);
    }

    /// <summary>
    /// The active resources of a location, which a refused request's alternatives are chosen from. Every loser of a
    /// race needs them at once, so they are cached like single resources; any resource change on this instance
    /// forgets every location's list, since a new or edited resource's old location is not known here.
    /// </summary>
    public async Task<List<Resource>> ActiveAtAsync(BookingDbContext db, Guid locationId, CancellationToken ct)
    {
        var key = $"location:{locationId}:{Interlocked.Read(ref _generation)}";
        if (cache.TryGetValue(key, out List<Resource>? active))
        {
            return active!;
        }

        active = await db.Resources.AsNoTracking().Where(r => r.LocationId == locationId && r.IsActive).ToListAsync(ct);
        cache.Set(key, active, Lifetime);
        return active;
    }

    /// <summary>A resource was created or changed here: the next requests read it, and every location's list, afresh.</summary>
    public void Forget(Guid resourceId)
    {
        cache.Remove(Key(resourceId));
        Interlocked.Increment(ref _generation);
    }

    private async Task<(List<Resource> Resources, Location? Location)> LoadAsync(BookingDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var rows = await db.Resources.AsNoTracking()
            .Where(r => ids.Contains(r.Id))
            .Join(db.Locations.AsNoTracking(), r => r.LocationId, l => l.Id, (resource, location) => new { resource, location })
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            cache.Set(Key(row.resource.Id), (row.resource, row.location), Lifetime);
        }

        return (rows.Select(x => x.resource).ToList(), rows.FirstOrDefault()?.location);
    }

    private static string Key(Guid id) => $"resource:{id}";
}
