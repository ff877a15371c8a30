using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Floorplan;

/// <summary>
/// The floorplan editor's writes, each saved at once in its own transaction. The resources and floors triggers announce
/// them, so open floorplans and displays redraw on every instance.
/// </summary>
public sealed class FloorplanEditing(IDbContextFactory<BookingDbContext> contexts, ResourceSnapshots snapshots, TimeProvider time)
{
    public const int MaxNameLength = 100;

    /// <summary>Puts a resource on a floor of its location at <paramref name="shape"/>, which must lie inside the plan.</summary>
    public async Task<AdminResult<FloorplanShape>> PlaceAsync(Guid resourceId, Guid floorId, FloorplanShape shape, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resource = await db.Resources.FirstOrDefaultAsync(r => r.Id == resourceId, ct);
        var floor = await db.Floors.AsNoTracking().FirstOrDefaultAsync(f => f.Id == floorId, ct);
        if (resource is null || floor is null)
        {
            return new AdminResult<FloorplanShape>.NotFound();
        }

        var errors = new ValidationErrors();
        if (floor.LocationId != resource.LocationId)
        {
            errors.Add("floorId", "A resource can only be placed on a floor of its own location.");
        }

        if (!double.IsFinite(shape.X) || !double.IsFinite(shape.Y) || !(shape.Width > 0) || !(shape.Height > 0)
            || shape.X < 0 || shape.Y < 0 || shape.X + shape.Width > floor.PlanWidth || shape.Y + shape.Height > floor.PlanHeight)
        {
            errors.Add("shape", $"The shape must have a positive size and lie within the plan (0–{floor.PlanWidth:0.#} × 0–{floor.PlanHeight:0.#}).");
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<FloorplanShape>.Invalid(errors.ToDictionary());
        }

        // A polygon moves with its bounding box; the editor draws and resizes rectangles.
        var placed = FloorplanShape.Rectangle(Math.Round(shape.X, 1), Math.Round(shape.Y, 1), Math.Round(shape.Width, 1), Math.Round(shape.Height, 1));
        resource.PlaceOnFloor(floorId, placed);
        await db.SaveChangesAsync(ct);
        snapshots.Forget(resourceId);
        return new AdminResult<FloorplanShape>.Ok(placed);
    }

    public async Task<AdminResult<string>> RenameAsync(Guid resourceId, string? name, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength || name.Any(char.IsControl))
        {
            return new AdminResult<string>.Invalid(new Dictionary<string, string[]> { ["name"] = [$"A name of 1 to {MaxNameLength} characters is required."] });
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var resource = await db.Resources.FirstOrDefaultAsync(r => r.Id == resourceId, ct);
        if (resource is null)
        {
            return new AdminResult<string>.NotFound();
        }

        resource.Describe(name, resource.Capacity, resource.Features);
        await db.SaveChangesAsync(ct);
        snapshots.Forget(resourceId);
        return new AdminResult<string>.Ok(resource.Name);
    }

    /// <summary>Stores the picture and points the floor at it; refused (nothing stored) unless it is a PNG, JPEG or WebP.</summary>
    public async Task<AdminResult<string>> SetBackgroundAsync(Guid floorId, byte[] content, Actor actor, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var floor = await db.Floors.FirstOrDefaultAsync(f => f.Id == floorId, ct);
        if (floor is null)
        {
            return new AdminResult<string>.NotFound();
        }

        FloorPlanImage image;
        try
        {
            image = FloorPlanImage.Of(floorId, content, actor, time.GetUtcNow());
        }
        catch (DomainException e)
        {
            return new AdminResult<string>.Invalid(new Dictionary<string, string[]> { ["image"] = [e.Message] });
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<FloorPlanImage>().Where(i => i.FloorId == floorId).ExecuteDeleteAsync(ct);
        db.Set<FloorPlanImage>().Add(image);
        floor.SetBackgroundImage(image.Url);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new AdminResult<string>.Ok(image.Url);
    }

    public async Task<AdminResult<string>> RemoveBackgroundAsync(Guid floorId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var floor = await db.Floors.FirstOrDefaultAsync(f => f.Id == floorId, ct);
        if (floor is null)
        {
            return new AdminResult<string>.NotFound();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<FloorPlanImage>().Where(i => i.FloorId == floorId).ExecuteDeleteAsync(ct);
        floor.SetBackgroundImage(null);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new AdminResult<string>.Ok(string.Empty);
    }

    /// <summary>Changes the plan's size; refused while a resource would fall outside it.</summary>
    public async Task<AdminResult<(double Width, double Height)>> ResizeAsync(Guid floorId, double width, double height, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var floor = await db.Floors.FirstOrDefaultAsync(f => f.Id == floorId, ct);
        if (floor is null)
        {
            return new AdminResult<(double, double)>.NotFound();
        }

        if (!double.IsFinite(width) || !double.IsFinite(height) || width is < 10 or > 100_000 || height is < 10 or > 100_000)
        {
            return new AdminResult<(double, double)>.Invalid(new Dictionary<string, string[]> { ["size"] = ["Width and height must be between 10 and 100000 plan units."] });
        }

        var shapes = await db.Resources.AsNoTracking().Where(r => r.FloorId == floorId && r.IsActive).Select(r => new { r.Name, r.Shape }).ToListAsync(ct);
        if (shapes.FirstOrDefault(s => s.Shape.X + s.Shape.Width > width || s.Shape.Y + s.Shape.Height > height) is { } outside)
        {
            return new AdminResult<(double, double)>.Invalid(new Dictionary<string, string[]> { ["size"] = [$"{outside.Name} would fall outside the plan; move it first."] });
        }

        floor.Resize(width, height);
        await db.SaveChangesAsync(ct);
        return new AdminResult<(double, double)>.Ok((width, height));
    }
}
