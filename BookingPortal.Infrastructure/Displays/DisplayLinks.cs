using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Displays;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Displays;

public sealed record DisplayLinkView(
    Guid Id,
    string Name,
    Guid LocationId,
    string LocationName,
    Guid? FloorId,
    string? FloorName,
    int? CycleSeconds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastSeenAt);

/// <summary>What an opened link shows.</summary>
public sealed record DisplayTarget(Guid LinkId, string Name, Guid LocationId, Guid? FloorId, int? CycleSeconds);

/// <summary>A new link with its secret, which exists only in this answer: the database keeps its hash.</summary>
public sealed record CreatedDisplayLink(DisplayLinkView Link, string Token);

/// <summary>Revocable links that open a wall display without a signed-in user (ADR 011).</summary>
public sealed class DisplayLinks(IDbContextFactory<BookingDbContext> contexts, TimeProvider time)
{
    /// <summary>What the trigger of migration 0007 announces when a link is revoked.</summary>
    public const string RevokedEvent = "display_link.revoked";

    private const int TokenBytes = 32;
    private const int LongestToken = 100;

    /// <summary>Opening a display writes "last seen" at most this often, so reloads do not turn into a write each.</summary>
    private static readonly TimeSpan SeenResolution = TimeSpan.FromMinutes(5);

    public async Task<AdminResult<CreatedDisplayLink>> CreateAsync(string? name, Guid? locationId, Guid? floorId, int? cycleSeconds, Actor actor,
        CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > DisplayLink.MaxNameLength || name.Any(char.IsControl))
        {
            errors.Add("name", $"A name of 1 to {DisplayLink.MaxNameLength} characters is required, e.g. \"Reception TV\".");
        }

        if (!DisplayLink.IsValidCycle(cycleSeconds))
        {
            errors.Add("cycleSeconds", $"Floors change every {DisplayLink.ShortestCycleSeconds} to {DisplayLink.LongestCycleSeconds} seconds.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        if (locationId is null || !await db.Locations.AnyAsync(l => l.Id == locationId, ct))
        {
            errors.Add("locationId", "Choose the location to show.");
        }
        else if (floorId is not null && !await db.Floors.AnyAsync(f => f.Id == floorId && f.LocationId == locationId, ct))
        {
            errors.Add("floorId", "The floor does not belong to that location.");
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<CreatedDisplayLink>.Invalid(errors.ToDictionary());
        }

        var token = NewToken();
        var link = new DisplayLink(Guid.CreateVersion7(), name!, locationId!.Value, floorId, cycleSeconds, HashOf(token), actor, time.GetUtcNow());
        db.Set<DisplayLink>().Add(link);
        await db.SaveChangesAsync(ct);
        var view = await Views(db.Set<DisplayLink>().Where(d => d.Id == link.Id), db).FirstAsync(ct);
        return new AdminResult<CreatedDisplayLink>.Ok(new CreatedDisplayLink(view, token));
    }

    public async Task<IReadOnlyList<DisplayLinkView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var links = await Views(db.Set<DisplayLink>(), db).ToListAsync(ct);
        return links.OrderBy(v => v.RevokedAt is not null).ThenByDescending(v => v.CreatedAt).ToList();
    }

    /// <summary>What a link shows, or null when the token is unknown or revoked; notes that a display used it.</summary>
    public async Task<DisplayTarget?> OpenAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > LongestToken)
        {
            return null;
        }

        var hash = HashOf(token);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var link = await db.Set<DisplayLink>().AsNoTracking().FirstOrDefaultAsync(d => d.TokenHash == hash && d.RevokedAt == null, ct);
        if (link is null)
        {
            return null;
        }

        if (link.LastSeenAt is not { } seen || now - seen > SeenResolution)
        {
            await db.Set<DisplayLink>().Where(d => d.Id == link.Id).ExecuteUpdateAsync(set => set.SetProperty(d => d.LastSeenAt, now), ct);
        }

        return new DisplayTarget(link.Id, link.Name, link.LocationId, link.FloorId, link.CycleSeconds);
    }

    public async Task<bool> IsActiveAsync(Guid linkId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<DisplayLink>().AnyAsync(d => d.Id == linkId && d.RevokedAt == null, ct);
    }

    public async Task<AdminResult<DisplayLinkView>> RevokeAsync(Guid linkId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var link = await db.Set<DisplayLink>().FirstOrDefaultAsync(d => d.Id == linkId, ct);
        if (link is null)
        {
            return new AdminResult<DisplayLinkView>.NotFound();
        }

        if (link.IsRevoked)
        {
            return new AdminResult<DisplayLinkView>.Invalid(new Dictionary<string, string[]> { ["id"] = ["The link is already revoked."] });
        }

        link.Revoke(actor, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return new AdminResult<DisplayLinkView>.Ok(await Views(db.Set<DisplayLink>().Where(d => d.Id == linkId), db).FirstAsync(ct));
    }

    /// <summary>A fresh link secret: 32 random bytes, URL-safe. Calendar subscription links are made the same way.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static IQueryable<DisplayLinkView> Views(IQueryable<DisplayLink> links, BookingDbContext db) =>
        from d in links.AsNoTracking()
        join l in db.Locations.AsNoTracking() on d.LocationId equals l.Id
        select new DisplayLinkView(d.Id, d.Name, d.LocationId, l.Name, d.FloorId,
            db.Floors.Where(f => f.Id == d.FloorId).Select(f => f.Name).FirstOrDefault(), d.CycleSeconds, d.CreatedAt, d.RevokedAt, d.LastSeenAt);
}
