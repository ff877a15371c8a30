using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Persistence;

/// <summary>
/// Writers that insert overlapping allocations at the same moment each find the other's uncommitted row in the
/// exclusion check and wait for it; with many racers those waits form cycles that PostgreSQL only breaks after its
/// deadlock timeout, one victim per second. Taking a lock per resource first, in one global order, makes racers for a
/// resource queue instead, so each loser meets a committed winner and fails fast with 23P01. The lock only orders the
/// writers: the constraint still decides (ADR 003).
/// </summary>
public static class SlotLocks
{
    // First half of the two-part advisory lock key ("BOOK" in ASCII), so these locks cannot collide with other
    // advisory locks such as the migrator's.
    private const int LockClass = 0x424F4F4B;

    /// <summary>Saves the context's changes in one transaction that first locks the given resources' allocations.</summary>
    public static async Task SaveAsync(BookingDbContext db, IEnumerable<Guid> resourceIds, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(db, resourceIds, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Takes the resources' locks in the context's open transaction, until it ends: for work that must see the
    /// resources unchanged by other writers across several saves (the wait-list pass).
    /// </summary>
    public static async Task LockAsync(BookingDbContext db, IEnumerable<Guid> resourceIds, CancellationToken ct)
    {
        var keys = resourceIds.Select(KeyOf).Distinct().Order().ToArray();
        await db.Database.ExecuteSqlAsync(
            $"SELECT pg_advisory_xact_lock({LockClass}, key) FROM unnest({keys}) WITH ORDINALITY AS k(key, n) ORDER BY n", ct);
    }

    private static int KeyOf(Guid resourceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        resourceId.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[..4]) ^ BitConverter.ToInt32(bytes[4..8])
            ^ BitConverter.ToInt32(bytes[8..12]) ^ BitConverter.ToInt32(bytes[12..]);
    }
}
