using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Displays;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingPortal.Infrastructure.Calendars.Feeds;

public sealed record FeedLinkView(Guid Id, FeedKind Feed, Guid? TargetId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>A new link with its secret, which exists only in this answer.</summary>
public sealed record CreatedFeedLink(FeedLinkView Link, string Token);

/// <summary>An opened link: which feed, read as whom (with the user's roles as they are now, not as they were).</summary>
public sealed record OpenedFeedLink(Guid LinkId, FeedKind Feed, Guid? TargetId, Actor Reader);

/// <summary>
/// Secret subscription links for calendar apps (ADR 012). A user keeps at most one live link per feed: making a new one
/// revokes the old one, so a leaked link is shut by making another. A link of a locked-out user opens nothing.
/// </summary>
public sealed class CalendarFeedLinks(IDbContextFactory<BookingDbContext> contexts, TimeProvider time)
{
    private const int LongestToken = 100;
    private static readonly TimeSpan UseResolution = TimeSpan.FromMinutes(5);

    public async Task<AdminResult<CreatedFeedLink>> CreateAsync(Actor owner, FeedKind? feed, Guid? targetId, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        await using var db = await contexts.CreateDbContextAsync(ct);
        switch (feed)
        {
            case null:
                errors.Add("feed", "Choose the feed: mine, resource or location.");
                break;
            case FeedKind.Mine when targetId is not null:
                errors.Add("targetId", "Your own calendar has no target; leave targetId out.");
                break;
            case FeedKind.Resource when targetId is null || !await db.Resources.AnyAsync(r => r.Id == targetId, ct):
                errors.Add("targetId", "Choose an existing resource.");
                break;
            case FeedKind.Location when targetId is null || !await db.Locations.AnyAsync(l => l.Id == targetId, ct):
                errors.Add("targetId", "Choose an existing location.");
                break;
            case FeedKind.Location when !owner.OperatesAt(targetId.Value):
                errors.Add("targetId", "A location's calendar is for its operators and admins.");
                break;
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<CreatedFeedLink>.Invalid(errors.ToDictionary());
        }

        for (var attempt = 1; ; attempt++)
        {
            var token = DisplayLinks.NewToken();
            var link = new CalendarFeedLink(Guid.CreateVersion7(), owner.UserId, feed!.Value, targetId, DisplayLinks.HashOf(token), time.GetUtcNow());
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await Live(db, owner.UserId).Where(l => l.Feed == link.Feed && l.TargetId == targetId)
                    .ExecuteUpdateAsync(set => set.SetProperty(l => l.RevokedAt, link.CreatedAt), ct);
                db.Add(link);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                var view = (await ViewsAsync(db, db.Set<CalendarFeedLink>().Where(l => l.Id == link.Id), ct)).Single();
                return new AdminResult<CreatedFeedLink>.Ok(new CreatedFeedLink(view, token));
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && attempt < 3)
            {
                // Two requests for the same feed at once: the other one's link is live now; replace it in turn.
                db.ChangeTracker.Clear();
            }
        }
    }

    public async Task<IReadOnlyList<FeedLinkView>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ViewsAsync(db, Live(db, userId), ct);
    }

    /// <summary>Revokes one of the user's live links; false when the user has no such live link.</summary>
    public async Task<bool> RevokeAsync(string userId, Guid linkId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        return await Live(db, userId).Where(l => l.Id == linkId).ExecuteUpdateAsync(set => set.SetProperty(l => l.RevokedAt, now), ct) == 1;
    }

    /// <summary>The feed a secret opens and who reads it, or null for an unknown, revoked or malformed secret or a locked-out user.</summary>
    public async Task<OpenedFeedLink?> OpenAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > LongestToken)
        {
            return null;
        }

        var hash = DisplayLinks.HashOf(token);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await (
                from l in db.Set<CalendarFeedLink>().AsNoTracking()
                join u in db.Users.AsNoTracking() on l.UserId equals u.Id
                where l.TokenHash == hash && l.RevokedAt == null
                select new
                {
                    Link = l,
                    u.Email,
                    Locked = u.LockoutEnd != null && u.LockoutEnd > now,
                    Roles = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToList(),
                    Locations = db.UserClaims.Where(c => c.UserId == u.Id && c.ClaimType == OperatorAssignments.ClaimType).Select(c => c.ClaimValue!).ToList(),
                })
            .FirstOrDefaultAsync(ct);
        if (found is null || found.Locked)
        {
            return null;
        }

        if (found.Link.LastUsedAt is not { } used || now - used > UseResolution)
        {
            await db.Set<CalendarFeedLink>().Where(l => l.Id == found.Link.Id).ExecuteUpdateAsync(set => set.SetProperty(l => l.LastUsedAt, now), ct);
        }

        var roles = Roles.None;
        foreach (var role in found.Roles)
        {
            roles |= role switch
            {
                RoleNames.Admin => Roles.Admin,
                RoleNames.Operator => Roles.Operator,
                RoleNames.Staff => Roles.Staff,
                _ => Roles.None,
            };
        }

        var reader = new Actor(found.Link.UserId, found.Email ?? found.Link.UserId, roles)
        {
            OperatorLocations = found.Locations.Select(v => Guid.TryParse(v, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet(),
        };
        return new OpenedFeedLink(found.Link.Id, found.Link.Feed, found.Link.TargetId, reader);
    }

    private static IQueryable<CalendarFeedLink> Live(BookingDbContext db, string userId) =>
        db.Set<CalendarFeedLink>().Where(l => l.UserId == userId && l.RevokedAt == null);

    private static async Task<List<FeedLinkView>> ViewsAsync(BookingDbContext db, IQueryable<CalendarFeedLink> links, CancellationToken ct)
    {
        var rows = await (
                from l in links.AsNoTracking()
                select new
                {
                    l.Id,
                    l.Feed,
                    l.TargetId,
                    l.CreatedAt,
                    l.LastUsedAt,
                    Resource = db.Resources.Where(r => r.Id == l.TargetId).Select(r => r.Name).FirstOrDefault(),
                    Location = db.Locations.Where(x => x.Id == l.TargetId).Select(x => x.Name).FirstOrDefault(),
                })
            .ToListAsync(ct);
        return rows
            .Select(r => new FeedLinkView(r.Id, r.Feed, r.TargetId, r.Feed switch
            {
                FeedKind.Mine => "My bookings",
                FeedKind.Resource => r.Resource ?? "A removed resource",
                _ => r.Location ?? "A removed location",
            }, r.CreatedAt, r.LastUsedAt))
            .OrderBy(v => v.Feed).ThenBy(v => v.Name, StringComparer.CurrentCulture)
            .ToList();
    }
}
