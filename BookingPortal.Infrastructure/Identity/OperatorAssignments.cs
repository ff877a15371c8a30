using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Identity;

/// <summary>
/// Which locations an operator looks after, kept as Identity user claims of type <see cref="ClaimType"/> (ADR 007).
/// Read on every authenticated request, so a change applies at once, without signing in again.
/// </summary>
public sealed class OperatorAssignments(IDbContextFactory<BookingDbContext> contexts)
{
    public const string ClaimType = "bookingportal:location";

    public async Task<IReadOnlySet<Guid>> GetAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var values = await db.UserClaims.AsNoTracking()
            .Where(c => c.UserId == userId && c.ClaimType == ClaimType)
            .Select(c => c.ClaimValue)
            .ToListAsync(ct);
        return values.Select(v => Guid.TryParse(v, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();
    }

    /// <summary>Replaces the user's locations with these (none: the user operates nowhere). Errors name the bad input; nothing is stored then.</summary>
    public async Task<ValidationErrors> SetAsync(string userId, IEnumerable<Guid> locationIds, CancellationToken ct = default)
    {
        var wanted = locationIds.Distinct().ToList();
        var errors = new ValidationErrors();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Locking the user's row makes two admins assigning at once apply one after the other, not interleave.
        var found = await db.Database
            .SqlQuery<string>($"SELECT id AS \"Value\" FROM users WHERE id = {userId} FOR UPDATE")
            .ToListAsync(ct);
        if (found.Count == 0)
        {
            errors.Add("userId", $"User {userId} does not exist.");
        }

        var known = await db.Locations.Where(l => wanted.Contains(l.Id)).Select(l => l.Id).ToListAsync(ct);
        foreach (var missing in wanted.Except(known))
        {
            errors.Add("locationIds", $"Location {missing} does not exist.");
        }

        if (!errors.IsEmpty)
        {
            return errors;
        }

        var current = await db.UserClaims.Where(c => c.UserId == userId && c.ClaimType == ClaimType).ToListAsync(ct);
        var keep = current.Where(c => Guid.TryParse(c.ClaimValue, out var id) && wanted.Contains(id)).ToList();
        db.UserClaims.RemoveRange(current.Except(keep));
        var kept = keep.Select(c => Guid.Parse(c.ClaimValue!)).ToHashSet();
        db.UserClaims.AddRange(wanted.Where(id => !kept.Contains(id))
            .Select(id => new IdentityUserClaim<string> { UserId = userId, ClaimType = ClaimType, ClaimValue = id.ToString() }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return errors;
    }
}
