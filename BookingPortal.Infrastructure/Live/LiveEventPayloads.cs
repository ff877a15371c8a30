using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Live;

/// <summary>The rows behind announced changes, read once per change for the event stream.</summary>
public sealed class LiveEventPayloads(IDbContextFactory<BookingDbContext> contexts)
{
    public async Task<MaintenanceBlockView?> BlockAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.MaintenanceBlocks.AsNoTracking()
            .Where(m => m.Id == id)
            .Select(m => new MaintenanceBlockView(m.Id, m.ResourceId, m.Start, m.End, m.Reason, m.CreatedBy, m.CreatedAt))
            .FirstOrDefaultAsync(ct);
    }

    public async Task<bool> LocationExistsAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Locations.AnyAsync(l => l.Id == id, ct);
    }
}
