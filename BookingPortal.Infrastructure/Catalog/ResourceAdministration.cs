using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>The change would take time that holding bookings or blocks already have.</summary>
    public sealed record Collides(IReadOnlyList<BlockCollision> Collisions) : AdminResult<T>;
}

/// <summary>Many numbered resources at once: "Desk 1" to "Desk 20", all alike but for their name and place.</summary>
public sealed record BulkResourceDefinition(string? Prefix, int? From, int? To, ResourceDefinition Template)
{
    public const int MaxCount = 200;

    /// <summary>The names the definition produces; a prefix ending in a letter gets a space before the number.</summary>
    public IReadOnlyList<string> Names()
    {
        var prefix = (Prefix ?? string.Empty).TrimEnd();
        if (From is not { } from || To is not { } to || to < from || to - from >= MaxCount)
        {
            return [];
        }

        var separator = prefix.Length > 0 && char.IsLetter(prefix[^1]) ? " " : string.Empty;
        return Enumerable.Range(from, to - from + 1).Select(n => $"{prefix}{separator}{n}").ToList();
    }
}

/// <summary>Admin changes to resources, each one transaction.</summary>
public sealed class ResourceAdministration(IDbContextFactory<BookingDbContext> contexts, ResourceSnapshots snapshots)
{
    public async Task<AdminResult<ResourceView>> CreateAsync(ResourceDefinition definition, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var errors = await CheckWithNameAsync(db, definition, null, ct);
        if (!errors.IsEmpty)
        {
            return new AdminResult<ResourceView>.Invalid(errors.ToDictionary());
        }

        var shape = definition.Shape ?? (await FreeCellsAsync(db, definition.FloorId!.Value, definition.Kind!.Value, 1, ct))[0];
        var resource = New(definition, definition.Name!, shape);
        db.Resources.Add(resource);
        await db.SaveChangesAsync(ct);
        snapshots.Forget(resource.Id);
        return new AdminResult<ResourceView>.Ok(ResourceView.Of(resource));
    }

    /// <summary>
    /// Creates every numbered resource or none, each on a free cell of a grid over the floor plan so that each has a
    /// shape to drag into place in the floorplan editor.
    /// </summary>
    public async Task<AdminResult<IReadOnlyList<ResourceView>>> CreateManyAsync(BulkResourceDefinition definition, CancellationToken ct = default)
    {
        var names = definition.Names();
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(definition.Prefix) || definition.Prefix.Trim().Length > 80 || definition.Prefix.Any(char.IsControl))
        {
            errors.Add("prefix", "A prefix of 1 to 80 characters is required, e.g. \"Desk\".");
        }

        if (definition.From is not (>= 0 and <= 100_000))
        {
            errors.Add("from", "Start numbering between 0 and 100000.");
        }

        if (definition.To is not { } to || to < definition.From)
        {
            errors.Add("to", "The last number must not be below the first.");
        }
        else if (to - definition.From >= BulkResourceDefinition.MaxCount)
        {
            errors.Add("to", $"At most {BulkResourceDefinition.MaxCount} resources at once.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var template = definition.Template with { Name = names.FirstOrDefault() ?? "-", Shape = null };
        foreach (var (field, messages) in (await CheckAsync(db, template, ct)).ToDictionary())
        {
            foreach (var message in messages)
            {
                errors.Add(field == "name" ? "prefix" : field, message);
            }
        }

        if (errors.IsEmpty && await TakenNamesAsync(db, template.LocationId!.Value, names, null, ct) is { Count: > 0 } taken)
        {
            errors.Add("prefix", $"Already at this location: {string.Join(", ", taken.Take(5))}{(taken.Count > 5 ? $" and {taken.Count - 5} more" : "")}.");
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<IReadOnlyList<ResourceView>>.Invalid(errors.ToDictionary());
        }

        var cells = await FreeCellsAsync(db, template.FloorId!.Value, template.Kind!.Value, names.Count, ct);
        var resources = names.Select((name, i) => New(template, name, cells[i])).ToList();
        db.Resources.AddRange(resources);
        await db.SaveChangesAsync(ct);
        resources.ForEach(r => snapshots.Forget(r.Id));
        return new AdminResult<IReadOnlyList<ResourceView>>.Ok(resources.Select(ResourceView.Of).ToList());
    }

    public async Task<AdminResult<ResourceView>> UpdateAsync(Guid id, ResourceDefinition definition, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resource = await db.Resources.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (resource is null)
        {
            return new AdminResult<ResourceView>.NotFound();
        }

        var errors = await CheckWithNameAsync(db, definition with { LocationId = definition.LocationId ?? resource.LocationId }, id, ct);
        if (definition.LocationId is { } moved && moved != resource.LocationId)
        {
            errors.Add("locationId", "A resource cannot move to another location; deactivate it and create a new one.");
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<ResourceView>.Invalid(errors.ToDictionary());
        }

        var floorId = definition.FloorId!.Value;
        var shape = definition.Shape
            ?? (floorId == resource.FloorId ? resource.Shape : (await FreeCellsAsync(db, floorId, definition.Kind!.Value, 1, ct))[0]);
        resource.Reclassify(definition.Kind!.Value);
        resource.Describe(definition.Name!, definition.Capacity!.Value, definition.Features ?? []);
        resource.PlaceOnFloor(floorId, shape);
        resource.ChangeRules(RulesOf(definition));
        await db.SaveChangesAsync(ct);
        snapshots.Forget(id);
        return new AdminResult<ResourceView>.Ok(ResourceView.Of(resource));
    }

    /// <summary>Stops new bookings; existing bookings and the whole history stay.</summary>
    public Task<AdminResult<ResourceView>> DeactivateAsync(Guid id, CancellationToken ct = default) => SetActiveAsync(id, false, ct);

    public Task<AdminResult<ResourceView>> ActivateAsync(Guid id, CancellationToken ct = default) => SetActiveAsync(id, true, ct);

    private async Task<AdminResult<ResourceView>> SetActiveAsync(Guid id, bool active, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resource = await db.Resources.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (resource is null)
        {
            return new AdminResult<ResourceView>.NotFound();
        }

        if (active && await TakenNamesAsync(db, resource.LocationId, [resource.Name], id, ct) is { Count: > 0 })
        {
            return new AdminResult<ResourceView>.Invalid(new Dictionary<string, string[]>
            {
                ["name"] = [$"An active resource at this location is already called {resource.Name}; rename one of them first."],
            });
        }

        if (active)
        {
            resource.Activate();
        }
        else
        {
            resource.Deactivate();
        }

        await db.SaveChangesAsync(ct);
        snapshots.Forget(id);
        return new AdminResult<ResourceView>.Ok(ResourceView.Of(resource));
    }

    private static Resource New(ResourceDefinition d, string name, FloorplanShape shape) =>
        new(Guid.CreateVersion7(), d.LocationId!.Value, d.FloorId!.Value, d.Kind!.Value, name, d.Capacity!.Value, d.Features ?? [], shape, RulesOf(d));

    private static async Task<IReadOnlyList<FloorplanShape>> FreeCellsAsync(BookingDbContext db, Guid floorId, ResourceKind kind, int count, CancellationToken ct)
    {
        var floor = await db.Floors.AsNoTracking().SingleAsync(f => f.Id == floorId, ct);
        var taken = await db.Resources.AsNoTracking().Where(r => r.FloorId == floorId && r.IsActive).Select(r => r.Shape).ToListAsync(ct);
        return FloorGrid.FreeCells(floor.PlanWidth, floor.PlanHeight, taken, kind, count);
    }

    /// <summary>Which of the names active resources of the location already use, ignoring case.</summary>
    private static async Task<List<string>> TakenNamesAsync(BookingDbContext db, Guid locationId, IReadOnlyCollection<string> names, Guid? except,
        CancellationToken ct)
    {
        var lowered = names.Select(n => n.Trim().ToLowerInvariant()).ToList();
        return await db.Resources.AsNoTracking()
            .Where(r => r.LocationId == locationId && r.IsActive && r.Id != except && lowered.Contains(r.Name.ToLower()))
            .OrderBy(r => r.Name)
            .Select(r => r.Name)
            .ToListAsync(ct);
    }

    /// <summary>Also refuses a name another active resource of the location has (other than <paramref name="except"/>).</summary>
    private static async Task<ValidationErrors> CheckWithNameAsync(BookingDbContext db, ResourceDefinition d, Guid? except, CancellationToken ct)
    {
        var errors = await CheckAsync(db, d, ct);
        if (errors.IsEmpty && await TakenNamesAsync(db, d.LocationId!.Value, [d.Name!], except, ct) is { Count: > 0 })
        {
            errors.Add("name", $"An active resource at this location is already called {d.Name!.Trim()}.");
        }

        return errors;
    }

    private static async Task<ValidationErrors> CheckAsync(BookingDbContext db, ResourceDefinition d, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(d.Name) || d.Name.Trim().Length > 100 || d.Name.Any(char.IsControl))
        {
            errors.Add("name", "A name of 1 to 100 characters is required.");
        }

        if (d.Kind is not { } kind || !Enum.IsDefined(kind))
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

        if (d.Shape is { } shape && (!shape.IsFinite || !(shape.Width > 0) || !(shape.Height > 0)))
        {
            errors.Add("shape", "A shape needs finite coordinates and a positive width and height.");
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
