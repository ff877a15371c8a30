using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingPortal.Infrastructure.Bookings;

/// <summary>
/// Gives free slots to wait-listed requests, oldest request first. Requests that share resources are decided together
/// in one transaction holding those resources' slot locks, so no slot can free up halfway through: a pass that found
/// an older request's slot still taken and then, a moment later, a newer request for the same slot free would hand
/// the slot to the newer one. The exclusion constraint still has the last word.
/// </summary>
internal sealed class WaitlistPromotion(IDbContextFactory<BookingDbContext> contexts)
{
    private const int MaxCandidates = 500;

    public sealed record Group(IReadOnlyList<Guid> BookingIds, IReadOnlyList<Guid> ResourceIds);

    private sealed record Candidate(Guid Id, List<Guid> ResourceIds);

    /// <summary>
    /// Waiting requests (of the given resources, or all), oldest first, in groups that share no resource: such groups
    /// cannot take each other's slots, so each is decided on its own and locks only its own resources.
    /// </summary>
    public async Task<IReadOnlyList<Group>> GroupsAsync(IReadOnlyCollection<Guid>? resourceIds, DateTimeOffset now, CancellationToken ct)
    {
        List<Candidate> candidates;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var pending = db.Bookings.AsNoTracking().Where(b => b.Status == BookingStatus.Pending && b.Start > now);
            if (resourceIds is not null)
            {
                pending = pending.Where(b => b.Allocations.Any(a => resourceIds.Contains(a.ResourceId)));
            }

            candidates = await pending.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id).Take(MaxCandidates)
                .Select(b => new Candidate(b.Id, b.Allocations.Select(a => a.ResourceId).ToList()))
                .ToListAsync(ct);
        }

        var root = new Dictionary<Guid, Guid>();
        Guid Find(Guid resource)
        {
            while (root[resource] != resource)
            {
                resource = root[resource] = root[root[resource]];
            }

            return resource;
        }

        foreach (var resource in candidates.SelectMany(c => c.ResourceIds))
        {
            root.TryAdd(resource, resource);
        }

        foreach (var candidate in candidates)
        {
            foreach (var resource in candidate.ResourceIds.Skip(1))
            {
                root[Find(resource)] = Find(candidate.ResourceIds[0]);
            }
        }

        return candidates.GroupBy(c => Find(c.ResourceIds[0]))
            .Select(g => new Group(g.Select(c => c.Id).ToList(), g.SelectMany(c => c.ResourceIds).Distinct().ToList()))
            .ToList();
    }

    /// <summary>Promotes, in one transaction, each request of the group whose slot is free by then, oldest first.</summary>
    public async Task<int> PromoteAsync(Group group, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await SlotLocks.LockAsync(db, group.ResourceIds, ct);
        var promoted = 0;
        foreach (var id in await FreeAsync(db, group.BookingIds, ct))
        {
            // An older request promoted a moment ago may have taken this one's slot.
            if (promoted > 0 && (await FreeAsync(db, [id], ct)).Count == 0)
            {
                continue;
            }

            var booking = await db.Bookings.Include(b => b.Allocations).SingleAsync(b => b.Id == id, ct);
            var resourceIds = booking.ResourceIds.ToList();
            booking.Promote(await db.Resources.AnyAsync(r => resourceIds.Contains(r.Id) && r.Rules.RequiresApproval, ct), now);
            try
            {
                // Inside an open transaction EF saves to a savepoint, so a refused save leaves the pass able to go on.
                await db.SaveChangesAsync(ct);
                promoted++;
            }
            catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation })
            {
                // A writer that does not take slot locks got there first; the constraint kept the slot single.
            }

            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(ct);
        return promoted;
    }

    /// <summary>Of these requests, those still waiting whose blocked ranges no holding allocation overlaps, oldest first.</summary>
    private static Task<List<Guid>> FreeAsync(BookingDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        db.Bookings.AsNoTracking()
            .Where(b => ids.Contains(b.Id) && b.Status == BookingStatus.Pending)
            .Where(b => !b.Allocations.Any(mine => db.Allocations.Any(other => other.Holds && other.ResourceId == mine.ResourceId
                && other.BlockedStart < mine.BlockedEnd && mine.BlockedStart < other.BlockedEnd)))
            .OrderBy(b => b.CreatedAt).ThenBy(b => b.Id)
            .Select(b => b.Id)
            .ToListAsync(ct);
}
