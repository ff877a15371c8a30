using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingPortal.Infrastructure.Catalog;

/// <summary>One maintenance window for one or several resources of a location.</summary>
public sealed record MaintenanceRequest(IReadOnlyList<Guid>? ResourceIds, DateTimeOffset? Start, DateTimeOffset? End, string? Reason);

public sealed record MaintenanceBlockView(Guid Id, Guid ResourceId, DateTimeOffset Start, DateTimeOffset End, string Reason, string CreatedBy, DateTimeOffset CreatedAt);

public sealed record ScheduledBlock(Guid Id, Guid ResourceId, string ResourceName, DateTimeOffset Start, DateTimeOffset End, string Reason);

/// <summary>
/// A holding reservation in the way of a maintenance block: a booking, or another block. <see cref="Start"/> and
/// <see cref="End"/> are its own time; the blocked range adds the resource's buffers and is what actually collides.
/// </summary>
public sealed record BlockCollision(
    Guid ResourceId,
    string ResourceName,
    BlockerKind Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset BlockedStart,
    DateTimeOffset BlockedEnd,
    Guid? BookingId,
    string? Title,
    string? OwnerEmail,
    BookingStatus? Status,
    string TimeZoneId)
{
    /// <summary>Whether an admin can clear it by cancelling; a checked-in or past booking and other blocks need another time.</summary>
    public bool CanCancel => Status is { } status && status.CanBecome(BookingStatus.Cancelled);

    public ConflictingRange Range => new(ResourceId, BlockedStart, BlockedEnd, Kind);
}

/// <summary>
/// Places maintenance blocks. A block never silently displaces anyone: when holding bookings are in the way the answer
/// lists them, and the admin either picks another time or cancels exactly those bookings, with a reason that goes into
/// their history, in the same transaction that places the block.
/// </summary>
public sealed class MaintenanceAdministration(IDbContextFactory<BookingDbContext> contexts, BookingEngine engine, TimeProvider time)
{
    public const int MaxResourcesPerRequest = 200;
    public static readonly TimeSpan LongestBlock = TimeSpan.FromDays(366);

    public Task<AdminResult<IReadOnlyList<MaintenanceBlockView>>> PlaceAsync(MaintenanceRequest request, Actor actor, CancellationToken ct = default) =>
        PlaceCancellingAsync(request, [], null, actor, ct);

    /// <summary>
    /// Cancels those of <paramref name="bookingIds"/> that still collide with the block, then places it, all or nothing.
    /// Anything else in the way by then (a booking made meanwhile) comes back as a collision and nothing is stored.
    /// </summary>
    public async Task<AdminResult<IReadOnlyList<MaintenanceBlockView>>> PlaceCancellingAsync(MaintenanceRequest request,
        IReadOnlyCollection<Guid> bookingIds, string? cancellationReason, Actor actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var errors = Check(request, now);
        if (bookingIds.Count > 0 && string.IsNullOrWhiteSpace(cancellationReason))
        {
            errors.Add("cancellationReason", "Say why the bookings are cancelled: their owners will read it.");
        }
        else if (cancellationReason is { Length: > 500 } || cancellationReason?.Any(char.IsControl) == true)
        {
            errors.Add("cancellationReason", "The reason can be at most 500 characters, without control characters.");
        }

        var ids = (request.ResourceIds ?? []).Distinct().ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Resources.CountAsync(r => ids.Contains(r.Id), ct) != ids.Count)
        {
            return new AdminResult<IReadOnlyList<MaintenanceBlockView>>.NotFound();
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<IReadOnlyList<MaintenanceBlockView>>.Invalid(errors.ToDictionary());
        }

        var range = new TimeRange(request.Start!.Value, request.End!.Value);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "Maintenance" : request.Reason.Trim();
        var blocks = ids.Select(id => new MaintenanceBlock(Guid.CreateVersion7(), id, range, reason, actor.UserId, now)).ToList();
        var freed = new List<Guid>();
        try
        {
            var wanted = bookingIds.ToList();
            var bookings = await db.Bookings.Include(b => b.Allocations).Where(b => wanted.Contains(b.Id)).ToListAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await SlotLocks.LockAsync(db, ids.Concat(bookings.SelectMany(b => b.ResourceIds)), ct);
            foreach (var booking in bookings.Where(b => b.Status.CanBecome(BookingStatus.Cancelled) && Collides(b, ids, range)))
            {
                booking.Cancel(actor, now, cancellationReason!.Trim());
                freed.AddRange(booking.ResourceIds);
            }

            // Released first and saved on their own: the exclusion constraint checks each row as it is written, so
            // the blocks' allocations must not meet the cancelled bookings' still-holding rows.
            await db.SaveChangesAsync(ct);
            db.MaintenanceBlocks.AddRange(blocks);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation })
        {
            return new AdminResult<IReadOnlyList<MaintenanceBlockView>>.Collides(await CollisionsAsync(ids, range, ct));
        }

        if (freed.Count > 0)
        {
            // Other resources of a cancelled booking are free again; wait-listed requests inside the block stay refused.
            await engine.PromotePendingAsync(freed.Distinct().ToList(), ct);
        }

        return new AdminResult<IReadOnlyList<MaintenanceBlockView>>.Ok(blocks.Select(View).ToList());
    }

    /// <summary>What holds any of these resources during the range, bookings and blocks alike, earliest first.</summary>
    public async Task<IReadOnlyList<BlockCollision>> CollisionsAsync(IReadOnlyCollection<Guid> resourceIds, TimeRange range, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var holding = await ConflictAdvisor.HoldingAsync(db, resourceIds, range, null, ct);
        var bookingIds = holding.Where(a => a.BookingId is not null).Select(a => a.BookingId!.Value).Distinct().ToList();
        var blockIds = holding.Where(a => a.MaintenanceBlockId is not null).Select(a => a.MaintenanceBlockId!.Value).Distinct().ToList();
        var bookings = await db.Bookings.AsNoTracking().Where(b => bookingIds.Contains(b.Id))
            .Select(b => new { b.Id, b.Title, b.OwnerEmail, b.Status, b.Start, b.End })
            .ToDictionaryAsync(b => b.Id, ct);
        var blocks = await db.MaintenanceBlocks.AsNoTracking().Where(m => blockIds.Contains(m.Id))
            .Select(m => new { m.Id, m.Reason })
            .ToDictionaryAsync(m => m.Id, ct);
        var ids = resourceIds.ToList();
        var resources = await db.Resources.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Join(db.Locations, r => r.LocationId, l => l.Id, (r, l) => new { r.Id, r.Name, l.TimeZoneId })
            .ToDictionaryAsync(r => r.Id, ct);

        return holding.Select(a =>
            {
                var resource = resources[a.ResourceId];
                if (a.BookingId is { } bookingId && bookings.TryGetValue(bookingId, out var booking))
                {
                    return new BlockCollision(a.ResourceId, resource.Name, BlockerKind.Booking, booking.Start, booking.End, a.BlockedStart, a.BlockedEnd,
                        booking.Id, booking.Title, booking.OwnerEmail, booking.Status, resource.TimeZoneId);
                }

                var blockReason = a.MaintenanceBlockId is { } blockId && blocks.TryGetValue(blockId, out var block) ? block.Reason : null;
                return new BlockCollision(a.ResourceId, resource.Name, BlockerKind.Maintenance, a.BlockedStart, a.BlockedEnd, a.BlockedStart, a.BlockedEnd,
                    null, blockReason, null, null, resource.TimeZoneId);
            })
            .OrderBy(c => c.Start).ThenBy(c => c.ResourceName, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    /// <summary>Blocks of the location's resources that have not ended yet, soonest first.</summary>
    public async Task<IReadOnlyList<ScheduledBlock>> UpcomingAsync(Guid locationId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.MaintenanceBlocks.AsNoTracking()
            .Where(m => m.End > now)
            .Join(db.Resources.Where(r => r.LocationId == locationId), m => m.ResourceId, r => r.Id, (m, r) => new { Block = m, r.Name })
            .OrderBy(x => x.Block.Start).ThenBy(x => x.Name)
            .Take(500)
            .Select(x => new ScheduledBlock(x.Block.Id, x.Block.ResourceId, x.Name, x.Block.Start, x.Block.End, x.Block.Reason))
            .ToListAsync(ct);
    }

    /// <summary>Ends a block early or takes back a mistaken one; wait-listed requests for that time get their chance.</summary>
    public async Task<AdminResult<MaintenanceBlockView>> RemoveAsync(Guid blockId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var block = await db.MaintenanceBlocks.Include(m => m.Allocations).FirstOrDefaultAsync(m => m.Id == blockId, ct);
        if (block is null)
        {
            return new AdminResult<MaintenanceBlockView>.NotFound();
        }

        db.MaintenanceBlocks.Remove(block);
        await SlotLocks.SaveAsync(db, [block.ResourceId], ct);
        await engine.PromotePendingAsync([block.ResourceId], ct);
        return new AdminResult<MaintenanceBlockView>.Ok(View(block));
    }

    private static ValidationErrors Check(MaintenanceRequest request, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (request.ResourceIds is not { Count: > 0 })
        {
            errors.Add("resourceIds", "Choose at least one resource.");
        }
        else if (request.ResourceIds.Count > MaxResourcesPerRequest)
        {
            errors.Add("resourceIds", $"At most {MaxResourcesPerRequest} resources at a time.");
        }

        if (request.Start is null)
        {
            errors.Add("start", "A start is required.");
        }

        if (request.End is null)
        {
            errors.Add("end", "An end is required.");
        }
        else if (request.Start is { } start && request.End <= start)
        {
            errors.Add("end", "The end must be after the start.");
        }
        else if (request.End <= now)
        {
            errors.Add("end", "The block would already be over.");
        }
        else if (request.Start is { } from && request.End - from > LongestBlock)
        {
            errors.Add("end", "A block can last at most a year; deactivate the resource instead.");
        }

        if (request.Reason is { Length: > 500 } || request.Reason?.Any(char.IsControl) == true)
        {
            errors.Add("reason", "The reason can be at most 500 characters, without control characters.");
        }

        return errors;
    }

    private static bool Collides(Booking booking, IReadOnlyCollection<Guid> resourceIds, TimeRange range) =>
        booking.Allocations.Any(a => a.Holds && resourceIds.Contains(a.ResourceId) && a.Blocked.Overlaps(range));

    private static MaintenanceBlockView View(MaintenanceBlock b) => new(b.Id, b.ResourceId, b.Start, b.End, b.Reason, b.CreatedBy, b.CreatedAt);
}
