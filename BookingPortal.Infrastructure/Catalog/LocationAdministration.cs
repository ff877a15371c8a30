using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Catalog;

public sealed record LocationDefinition(
    string? Name,
    string? TimeZoneId,
    IReadOnlyList<OpeningInterval>? OpeningHours = null,
    IReadOnlyList<Closure>? Closures = null,
    int NoShowGraceMinutes = 15);

public sealed record FloorDefinition(string? Name, int SortOrder = 0, double? PlanWidth = null, double? PlanHeight = null, string? BackgroundImageUrl = null);

public sealed record TimeZoneChoice(string Id, string Label);

/// <summary>Admin changes to locations and their floors, each one transaction.</summary>
/// <remarks>
/// Uploading a floor's picture belongs to the floorplan editor (another issue), which stores it and points the floor
/// at it; here a background is an https address or a path on this site, such as the editor's.
/// </remarks>
public sealed class LocationAdministration(IDbContextFactory<BookingDbContext> contexts, ResourceSnapshots snapshots)
{
    private const int MaxClosures = 366;

    /// <summary>
    /// Every IANA zone this machine knows, labelled with its current UTC offset. Windows hosts list Windows ids, which
    /// are converted; the few without an IANA equivalent are left out, since locations store IANA ids.
    /// </summary>
    public static IReadOnlyList<TimeZoneChoice> TimeZones(DateTimeOffset now) => TimeZoneInfo.GetSystemTimeZones()
        .Select(zone => (zone, Id: zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : null))
        .Where(z => z.Id is not null && z.Id.Contains('/', StringComparison.Ordinal))
        .DistinctBy(z => z.Id)
        .Select(z => new TimeZoneChoice(z.Id!, $"{z.Id} (UTC{Offset(z.zone.GetUtcOffset(now))})"))
        .OrderBy(z => z.Id, StringComparer.Ordinal)
        .ToList();

    public async Task<AdminResult<LocationView>> CreateAsync(LocationDefinition definition, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var errors = await CheckAsync(db, definition, null, ct);
        if (!errors.IsEmpty)
        {
            return new AdminResult<LocationView>.Invalid(errors.ToDictionary());
        }

        var location = new Location(Guid.CreateVersion7(), definition.Name!, definition.TimeZoneId!, definition.OpeningHours ?? []);
        Apply(location, definition);
        db.Locations.Add(location);
        await db.SaveChangesAsync(ct);
        return new AdminResult<LocationView>.Ok(LocationView.Of(location, []));
    }

    public async Task<AdminResult<LocationView>> UpdateAsync(Guid id, LocationDefinition definition, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var location = await db.Locations.FirstOrDefaultAsync(l => l.Id == id, ct);
        if (location is null)
        {
            return new AdminResult<LocationView>.NotFound();
        }

        var errors = await CheckAsync(db, definition, id, ct);
        if (!errors.IsEmpty)
        {
            return new AdminResult<LocationView>.Invalid(errors.ToDictionary());
        }

        Apply(location, definition);
        await db.SaveChangesAsync(ct);
        // Opening hours and the zone are rules the engine checks from its short-lived copy of each resource.
        foreach (var resourceId in await db.Resources.Where(r => r.LocationId == id).Select(r => r.Id).ToListAsync(ct))
        {
            snapshots.Forget(resourceId);
        }

        var floors = await db.Floors.AsNoTracking().Where(f => f.LocationId == id).ToListAsync(ct);
        return new AdminResult<LocationView>.Ok(LocationView.Of(location, floors));
    }

    public async Task<AdminResult<FloorView>> AddFloorAsync(Guid locationId, FloorDefinition definition, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Locations.AnyAsync(l => l.Id == locationId, ct))
        {
            return new AdminResult<FloorView>.NotFound();
        }

        var errors = await CheckAsync(db, locationId, definition, null, ct);
        if (!errors.IsEmpty)
        {
            return new AdminResult<FloorView>.Invalid(errors.ToDictionary());
        }

        var floor = new Floor(Guid.CreateVersion7(), locationId, definition.Name!, definition.SortOrder, definition.PlanWidth!.Value, definition.PlanHeight!.Value);
        floor.SetBackgroundImage(definition.BackgroundImageUrl?.Trim());
        db.Floors.Add(floor);
        await db.SaveChangesAsync(ct);
        return new AdminResult<FloorView>.Ok(FloorView.Of(floor));
    }

    public async Task<AdminResult<FloorView>> UpdateFloorAsync(Guid floorId, FloorDefinition definition, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var floor = await db.Floors.FirstOrDefaultAsync(f => f.Id == floorId, ct);
        if (floor is null)
        {
            return new AdminResult<FloorView>.NotFound();
        }

        var errors = await CheckAsync(db, floor.LocationId, definition, floorId, ct);
        if (errors.IsEmpty && (definition.PlanWidth < floor.PlanWidth || definition.PlanHeight < floor.PlanHeight))
        {
            var shapes = await db.Resources.AsNoTracking().Where(r => r.FloorId == floorId && r.IsActive).Select(r => new { r.Name, r.Shape }).ToListAsync(ct);
            if (shapes.FirstOrDefault(s => s.Shape.X + s.Shape.Width > definition.PlanWidth || s.Shape.Y + s.Shape.Height > definition.PlanHeight) is { } outside)
            {
                errors.Add("planWidth", $"{outside.Name} would fall outside the smaller plan; move it in the plan editor first.");
            }
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<FloorView>.Invalid(errors.ToDictionary());
        }

        floor.Rename(definition.Name!);
        floor.Reorder(definition.SortOrder);
        floor.Resize(definition.PlanWidth!.Value, definition.PlanHeight!.Value);
        floor.SetBackgroundImage(definition.BackgroundImageUrl?.Trim());
        await db.SaveChangesAsync(ct);
        return new AdminResult<FloorView>.Ok(FloorView.Of(floor));
    }

    private static void Apply(Location location, LocationDefinition definition)
    {
        location.Rename(definition.Name!);
        location.MoveToTimeZone(definition.TimeZoneId!.Trim());
        location.SetOpeningHours(definition.OpeningHours ?? []);
        location.SetClosures((definition.Closures ?? [])
            .Select(c => c with { Reason = string.IsNullOrWhiteSpace(c.Reason) ? "Closed" : c.Reason.Trim() }));
        location.SetNoShowGracePeriod(TimeSpan.FromMinutes(definition.NoShowGraceMinutes));
    }

    private static async Task<ValidationErrors> CheckAsync(BookingDbContext db, LocationDefinition d, Guid? except, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!IsName(d.Name))
        {
            errors.Add("name", "A name of 1 to 100 characters is required.");
        }
        else
        {
            var lowered = d.Name!.Trim().ToLowerInvariant();
            if (await db.Locations.AnyAsync(l => l.Id != except && l.Name.ToLower() == lowered, ct))
            {
                errors.Add("name", $"There is already a location called {d.Name.Trim()}.");
            }
        }

        if (string.IsNullOrWhiteSpace(d.TimeZoneId)
            || !TimeZoneInfo.TryFindSystemTimeZoneById(d.TimeZoneId.Trim(), out var zone) || !zone.HasIanaId)
        {
            errors.Add("timeZoneId", "Choose an IANA time zone, such as Europe/Berlin.");
        }

        errors.Merge(Location.CheckOpeningHours(d.OpeningHours ?? []));
        var closures = d.Closures ?? [];
        if (closures.Count > MaxClosures)
        {
            errors.Add("closures", $"At most {MaxClosures} closures; remove past ones.");
        }

        for (var i = 0; i < closures.Count; i++)
        {
            if (closures[i].To < closures[i].From)
            {
                errors.Add($"closures[{i}]", "The last closed day cannot be before the first.");
            }

            if (closures[i].Reason is { Length: > 200 } || closures[i].Reason?.Any(char.IsControl) == true)
            {
                errors.Add($"closures[{i}]", "The reason can be at most 200 characters.");
            }
        }

        if (d.NoShowGraceMinutes is < 0 or > 240)
        {
            errors.Add("noShowGraceMinutes", "The grace period must be between 0 and 240 minutes.");
        }

        return errors;
    }

    private static async Task<ValidationErrors> CheckAsync(BookingDbContext db, Guid locationId, FloorDefinition d, Guid? except, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!IsName(d.Name))
        {
            errors.Add("name", "A name of 1 to 100 characters is required.");
        }
        else
        {
            var lowered = d.Name!.Trim().ToLowerInvariant();
            if (await db.Floors.AnyAsync(f => f.LocationId == locationId && f.Id != except && f.Name.ToLower() == lowered, ct))
            {
                errors.Add("name", $"This location already has a floor called {d.Name.Trim()}.");
            }
        }

        if (d.SortOrder is < -100 or > 1000)
        {
            errors.Add("sortOrder", "The order must be between -100 and 1000.");
        }

        if (d.PlanWidth is not (>= 10 and <= 100_000))
        {
            errors.Add("planWidth", "The plan width must be between 10 and 100000 plan units.");
        }

        if (d.PlanHeight is not (>= 10 and <= 100_000))
        {
            errors.Add("planHeight", "The plan height must be between 10 and 100000 plan units.");
        }

        if (!string.IsNullOrWhiteSpace(d.BackgroundImageUrl) && !IsImageAddress(d.BackgroundImageUrl.Trim()))
        {
            errors.Add("backgroundImageUrl", "Use an https:// address or a path on this site; upload pictures in the plan editor.");
        }

        return errors;
    }

    /// <summary>
    /// An https image elsewhere (the content security policy allows no other scheme) or a path on this site; a
    /// protocol-relative "//host" would leave the site.
    /// </summary>
    private static bool IsImageAddress(string url) =>
        url.Length <= 2000 && !url.Any(char.IsWhiteSpace)
        && ((url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal))
            || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host)));

    private static bool IsName(string? name) => !string.IsNullOrWhiteSpace(name) && name.Trim().Length <= 100 && !name.Any(char.IsControl);

    private static string Offset(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm");
}
