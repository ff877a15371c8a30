using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Persistence;

/// <summary>
/// Writers that insert overlapping allocations at the same moment each find the other's uncommitted row in the
/// exclusion check and wait for it; with many racers those waits form cycles that PostgreSQL only breaks after its
/// deadlock timeout, one victim per second. A lock per resource, in one global order, makes racers for a resource
/// queue instead, so each loser meets a committed winner and fails fast with 23P01. The lock only orders the writers:
/// the constraint still decides (ADR 003). The database defines the lock (<c>lock_slots</c>, migration 0008) and
/// takes it itself for every holding allocation written; this class takes the same locks ahead of saves that touch
/// several resources, where the trigger's row order would not be the global one.
/// </summary>
public static class SlotLocks
{
    /// <summary>
    /// Saves the context's changes atomically with the given resources' allocations locked. A save touching one
    /// resource goes as EF sends it (one batch runs as one implicit transaction) and the trigger takes the lock; a wider
    /// one opens a transaction that takes all the locks, in order, first.
    /// </summary>
    public static async Task SaveAsync(BookingDbContext db, IEnumerable<Guid> resourceIds, CancellationToken ct)
    {
        var ids = resourceIds.Distinct().ToArray();
        if (ids.Length <= 1)
        {
            await db.SaveChangesAsync(ct);
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(db, ids, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Takes the resources' locks in the context's open transaction, until it ends: for work that must see the
    /// resources unchanged by other writers across several saves (the wait-list pass).
    /// </summary>
    public static async Task LockAsync(BookingDbContext db, IEnumerable<Guid> resourceIds, CancellationToken ct)
    {
        var ids = resourceIds.Distinct().ToArray();
        await db.Database.ExecuteSqlAsync($"SELECT lock_slots({ids})", ct);
    }
}
