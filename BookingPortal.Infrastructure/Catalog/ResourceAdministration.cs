using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingPortal.Infrastructure.Catalog;

public sealed record ResourceDefinition(
    Guid? LocationId,
    Guid? FloorId,
    ResourceKind? Kind,
    string? Name,
    int? Capacity,
    IReadOnlyList<string>? Features = null,
    FloorplanShape? Shape = null,
    int BufferBeforeMinutes = 0,
    int BufferAfterMinutes = 0,
    int MinDurationMinutes = 15,
    int MaxDurationMinutes = 600,
    int HorizonDays = 90,
    bool RequiresApproval = false,
    bool RequiresCheckIn = false);

public abstract record AdminResult<T>
{
    private AdminResult()
    {
    }

    public sealed record Ok(T Value) : AdminResult<T>;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : AdminResult<T>;

    public sealed record NotFound : AdminResult<T>;

    /// <summary>The change would take time that holding bookings already have.</summary>
    public sealed record Collides(IReadOnlyList<ConflictingRange> Conflicts) : AdminResult<T>;
}

public sealed record MaintenanceBlockView(Guid Id, Guid ResourceId, DateTimeOffset Start, DateTimeOffset End, string Reason, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>Admin changes to resources and their maintenance, each one transaction.</summary>
public sealed class ResourceAdministration(IDbContextFactory<BookingDbContext> contexts, ResourceSnapshots snapshots, TimeProvider time)
{
    public async Task<AdminResult<ResourceView>> CreateAsync(ResourceDefinition definition, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var errors = await CheckAsync(db, definition, ct);
        if (!errors.IsEmpty)
        {
            return new AdminResult<ResourceView>.Invalid(errors.ToDictionary());
        }

        var resource = new Resource(Guid.CreateVersion7(), definition.LocationId!.Value, definition.FloorId!.Value, definition.Kind!.Value,
            definition.Name!, definition.Capacity!.Value, definition.Features ?? [], definition.Shape ?? FloorplanShape.Rectangle(0, 0, 10, 10),
            RulesOf(definition));
        db.Resources.Add(resource);
        await db.SaveChangesAsync(ct);
        return new AdminResult<ResourceView>.Ok(ResourceView.Of(resource));
    }

    public async Task<AdminResult<ResourceView>> UpdateAsync(Guid id, ResourceDefinition definition, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resource = await db.Resources.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (resource is null)
        {
            return new AdminResult<ResourceView>.NotFound();
        }

        var errors = await CheckAsync(db, definition with { LocationId = definition.LocationId ?? resource.LocationId }, ct);
        if (definition.LocationId is { } moved && moved != resource.LocationId)
        {
            errors.Add("locationId", "A resource cannot move to another location; deactivate it and create a new one.");
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<ResourceView>.Invalid(errors.ToDictionary());
        }

        resource.Describe(definition.Name!, definition.Capacity!.Value, definition.Features ?? []);
        resource.PlaceOnFloor(definition.FloorId!.Value, definition.Shape ?? resource.Shape);
        resource.ChangeRules(RulesOf(definition));
        await db.SaveChangesAsync(ct);
        snapshots.Forget(id);
        return new AdminResult<ResourceView>.Ok(ResourceView.Of(resource));
    }

    public async Task<AdminResult<ResourceView>> DeactivateAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resource = await db.Resources.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (resource is null)
        {
            return new AdminResult<ResourceView>.NotFound();
        }

        resource.Deactivate();
        await db.SaveChangesAsync(ct);
        snapshots.Forget(id);
        return new AdminResult<ResourceView>.Ok(ResourceView.Of(resource));
    }

    /// <summary>Blocks a resource; refused with the colliding bookings when they hold any of that time.</summary>
    public async Task<AdminResult<MaintenanceBlockView>> BlockAsync(Guid resourceId, DateTimeOffset? start, DateTimeOffset? end, string? reason,
        Actor actor, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (start is null)
        {
            errors.Add("start", "A start is required.");
        }

        if (end is null)
        {
            errors.Add("end", "An end is required.");
        }
        else if (start is not null && end <= start)
        {
            errors.Add("end", "The end must be after the start.");
        }

        if (reason is { Length: > 500 } || reason?.Any(char.IsControl) == true)
        {
            errors.Add("reason", "The reason can be at most 500 characters, without control characters.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var resource = await db.Resources.AsNoTracking().FirstOrDefaultAsync(r => r.Id == resourceId, ct);
        if (resource is null)
        {
            return new AdminResult<MaintenanceBlockView>.NotFound();
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<MaintenanceBlockView>.Invalid(errors.ToDictionary());
        }

        var range = new TimeRange(start!.Value, end!.Value);
        var block = new MaintenanceBlock(Guid.CreateVersion7(), resourceId, range, reason ?? "Maintenance", actor.UserId, time.GetUtcNow());
        db.MaintenanceBlocks.Add(block);
        try
        {
            await SlotLocks.SaveAsync(db, [resourceId], ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: "23P01" })
        {
            await using var fresh = await contexts.CreateDbContextAsync(ct);
            var holding = await ConflictAdvisor.HoldingAsync(fresh, [resourceId], range, null, ct);
            var conflicts = holding
                .Select(a => new ConflictingRange(resourceId, a.BlockedStart, a.BlockedEnd, a.BookingId is null ? BlockerKind.Maintenance : BlockerKind.Booking))
                .OrderBy(c => c.Start)
                .ToList();
            return new AdminResult<MaintenanceBlockView>.Collides(conflicts);
        }

        return new AdminResult<MaintenanceBlockView>.Ok(new MaintenanceBlockView(block.Id, block.ResourceId, block.Start, block.End, block.Reason, block.CreatedBy, block.CreatedAt));
    }

    private static async Task<ValidationErrors> CheckAsync(BookingDbContext db, ResourceDefinition d, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(d.Name) || d.Name.Trim().Length > 100 || d.Name.Any(char.IsControl))
        {
            errors.Add("name", "A name of 1 to 100 characters is required.");
        }

        if (d.Kind is null)
        {
            errors.Add("kind", "A kind is required: Room, Desk, Equipment or Parking.");
        }

        if (d.Capacity is not (>= 1 and <= 10_000))
        {
            errors.Add("capacity", "Capacity must be between 1 and 10000.");
        }

        if (d.BufferBeforeMinutes is < 0 or > 240 || d.BufferAfterMinutes is < 0 or > 240)
        {
            errors.Add("bufferBeforeMinutes", "Buffers must be between 0 and 240 minutes.");
        }

        if (d.MinDurationMinutes < 5 || d.MaxDurationMinutes < d.MinDurationMinutes || d.MaxDurationMinutes > 7 * 24 * 60)
        {
            errors.Add("minDurationMinutes", "The minimum duration must be at least 5 minutes and not above the maximum (at most 7 days).");
        }

        if (d.HorizonDays is < 1 or > 730)
        {
            errors.Add("horizonDays", "The booking horizon must be between 1 and 730 days.");
        }

        if (d.Features is { } features && (features.Count > 30 || features.Any(f => string.IsNullOrWhiteSpace(f) || f.Length > 40 || f.Any(char.IsControl))))
        {
            errors.Add("features", "Up to 30 features of 1 to 40 characters each.");
        }

        if (d.Shape is { } shape && (shape.Width <= 0 || shape.Height <= 0))
        {
            errors.Add("shape", "A shape needs a positive width and height.");
        }

        if (d.LocationId is null)
        {
            errors.Add("locationId", "A location is required.");
        }

        if (d.FloorId is null)
        {
            errors.Add("floorId", "A floor is required.");
        }
        else if (!await db.Floors.AnyAsync(f => f.Id == d.FloorId && f.LocationId == d.LocationId, ct))
        {
            errors.Add("floorId", "The floor does not exist at that location.");
        }

        return errors;
    }

    private static BookingRules RulesOf(ResourceDefinition d) => new()
    {
        BufferBefore = TimeSpan.FromMinutes(d.BufferBeforeMinutes),
        BufferAfter = TimeSpan.FromMinutes(d.BufferAfterMinutes),
        MinDuration = TimeSpan.FromMinutes(d.MinDurationMinutes),
        MaxDuration = TimeSpan.FromMinutes(d.MaxDurationMinutes),
        Horizon = TimeSpan.FromDays(d.HorizonDays),
        RequiresApproval = d.RequiresApproval,
        RequiresCheckIn = d.RequiresCheckIn,
    };
}
