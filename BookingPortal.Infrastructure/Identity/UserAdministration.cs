using System.Security.Cryptography;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Infrastructure.Identity;

public sealed record UserView(string Id, string Email, string? DisplayName, IReadOnlyList<string> Roles, bool IsLockedOut);

/// <summary>A user's name, roles and, for an operator, the locations they look after (ADR 007).</summary>
public sealed record UserChanges(string? DisplayName, IReadOnlyList<string>? Roles, IReadOnlyList<Guid>? OperatorLocations = null);

public sealed record UserPage(IReadOnlyList<UserView> Items, int Total);

/// <summary>Leave <see cref="Password"/> empty to have one generated; it is shown once and never stored in clear.</summary>
public sealed record NewUser(string? Email, string? DisplayName, IReadOnlyList<string>? Roles, string? Password = null);

/// <summary>The user, and the password to hand over when it was generated (null when the admin chose it).</summary>
public sealed record IssuedPassword(UserView User, string? GeneratedPassword);

/// <summary>
/// Admins manage accounts here: there is no self-registration. Every operation runs in a scope of its own, so a
/// long-lived Blazor circuit never reuses a stale Identity store. Rules that protect the system are enforced here,
/// not only in the UI: nobody removes their own admin role or locks themselves out.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, IDbContextFactory<BookingDbContext> contexts, OperatorAssignments assignments,
    TimeProvider time)
{
    public const int MaxPageSize = 200;

    public async Task<UserPage> SearchAsync(string? text, int skip = 0, int take = 50, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = LikePattern.Containing(text.Trim());
            users = users.Where(u => EF.Functions.ILike(u.Email!, pattern, LikePattern.Escape) || (u.DisplayName != null && EF.Functions.ILike(u.DisplayName, pattern, LikePattern.Escape)));
        }

        var total = await users.CountAsync(ct);
        var page = await users.OrderBy(u => u.Email).ThenBy(u => u.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, MaxPageSize))
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.DisplayName,
                u.LockoutEnd,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToList(),
            })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        return new UserPage(page.Select(u => new UserView(u.Id, u.Email ?? u.Id, u.DisplayName, Ordered(u.Roles), u.LockoutEnd > now)).ToList(), total);
    }

    public async Task<AdminResult<IssuedPassword>> CreateAsync(NewUser user, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var email = user.Email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 256 || !email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsWhiteSpace))
        {
            errors.Add("email", "Enter a valid email address.");
        }

        CheckDisplayName(user.DisplayName, errors);
        CheckRoles(user.Roles, errors);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (email is not null && errors.IsEmpty && await users.FindByEmailAsync(email) is not null)
        {
            errors.Add("email", "An account with this email already exists.");
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<IssuedPassword>.Invalid(errors.ToDictionary());
        }

        var generated = string.IsNullOrEmpty(user.Password) ? GeneratePassword(users.Options.Password) : null;
        var account = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = Trim(user.DisplayName) };
        var created = await users.CreateAsync(account, generated ?? user.Password!);
        if (!created.Succeeded)
        {
            return Invalid<IssuedPassword>(created, "password");
        }

        await EnsureRolesExistAsync(scope.ServiceProvider, ct);
        var roles = await users.AddToRolesAsync(account, user.Roles ?? []);
        return roles.Succeeded
            ? new AdminResult<IssuedPassword>.Ok(new IssuedPassword(await ViewAsync(users, account), generated))
            : Invalid<IssuedPassword>(roles, "roles");
    }

    /// <summary>
    /// Renames, sets exactly these roles and, for an operator, their locations (someone who is no operator keeps none).
    /// Refused when <paramref name="actor"/> would drop their own admin role.
    /// </summary>
    public async Task<AdminResult<UserView>> UpdateAsync(string userId, UserChanges changes, Actor actor, CancellationToken ct = default)
    {
        var wanted = changes.Roles ?? [];
        var displayName = changes.DisplayName;
        var errors = new ValidationErrors();
        CheckDisplayName(displayName, errors);
        CheckRoles(wanted, errors);
        if (userId == actor.UserId && !wanted.Contains(RoleNames.Admin))
        {
            errors.Add("roles", "You cannot remove your own admin role; ask another admin to do it.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByIdAsync(userId) is not { } account)
        {
            return new AdminResult<UserView>.NotFound();
        }

        if (!errors.IsEmpty)
        {
            return new AdminResult<UserView>.Invalid(errors.ToDictionary());
        }

        account.DisplayName = Trim(displayName);
        var updated = await users.UpdateAsync(account);
        if (!updated.Succeeded)
        {
            return Invalid<UserView>(updated, "displayName");
        }

        await EnsureRolesExistAsync(scope.ServiceProvider, ct);
        var current = await users.GetRolesAsync(account);
        var removed = current.Except(wanted).ToList();
        var added = wanted.Except(current).ToList();
        if (removed.Count > 0 && await users.RemoveFromRolesAsync(account, removed) is { Succeeded: false } removal)
        {
            return Invalid<UserView>(removal, "roles");
        }

        if (added.Count > 0 && await users.AddToRolesAsync(account, added) is { Succeeded: false } addition)
        {
            return Invalid<UserView>(addition, "roles");
        }

        if (removed.Count + added.Count > 0)
        {
            // Signed-in sessions pick up the new roles when their security stamp is next checked.
            await users.UpdateSecurityStampAsync(account);
        }

        if (changes.OperatorLocations is not null || removed.Contains(RoleNames.Operator))
        {
            var locations = wanted.Contains(RoleNames.Operator) ? changes.OperatorLocations ?? [] : [];
            if (await assignments.SetAsync(userId, locations, ct) is { IsEmpty: false } refused)
            {
                return new AdminResult<UserView>.Invalid(refused.ToDictionary());
            }
        }

        return new AdminResult<UserView>.Ok(await ViewAsync(users, account));
    }

    /// <summary>Locks the account until unlocked; its sessions end when their security stamp is next checked.</summary>
    public async Task<AdminResult<UserView>> LockAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        if (userId == actor.UserId)
        {
            return new AdminResult<UserView>.Invalid(new Dictionary<string, string[]> { ["lock"] = ["You cannot lock your own account."] });
        }

        return await ChangeAsync(userId, async (users, account) =>
        {
            await users.SetLockoutEnabledAsync(account, true);
            var locked = await users.SetLockoutEndDateAsync(account, DateTimeOffset.MaxValue);
            return locked.Succeeded ? await users.UpdateSecurityStampAsync(account) : locked;
        }, ct);
    }

    public Task<AdminResult<UserView>> UnlockAsync(string userId, CancellationToken ct = default) =>
        ChangeAsync(userId, async (users, account) =>
        {
            var unlocked = await users.SetLockoutEndDateAsync(account, null);
            return unlocked.Succeeded ? await users.ResetAccessFailedCountAsync(account) : unlocked;
        }, ct);

    /// <summary>Sets a new password (generated when none is given) and ends the user's other sessions.</summary>
    public async Task<AdminResult<IssuedPassword>> ResetPasswordAsync(string userId, string? newPassword, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByIdAsync(userId) is not { } account)
        {
            return new AdminResult<IssuedPassword>.NotFound();
        }

        var generated = string.IsNullOrEmpty(newPassword) ? GeneratePassword(users.Options.Password) : null;
        var token = await users.GeneratePasswordResetTokenAsync(account);
        var reset = await users.ResetPasswordAsync(account, token, generated ?? newPassword!);
        return reset.Succeeded
            ? new AdminResult<IssuedPassword>.Ok(new IssuedPassword(await ViewAsync(users, account), generated))
            : Invalid<IssuedPassword>(reset, "password");
    }

    /// <summary>
    /// A password that meets Identity's rules (length, and one of each required character class) from a
    /// cryptographic source, without characters people confuse when reading it out (0/O, 1/l/I).
    /// </summary>
    public static string GeneratePassword(PasswordOptions rules)
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string lower = "abcdefghijkmnopqrstuvwxyz";
        const string digits = "23456789";
        const string symbols = "!#$%*+-=?@";
        var all = upper + lower + digits + symbols;
        var length = Math.Max(16, rules.RequiredLength);
        var chars = RandomNumberGenerator.GetItems<char>(all, length);
        chars[0] = RandomNumberGenerator.GetItems<char>(upper, 1)[0];
        chars[1] = RandomNumberGenerator.GetItems<char>(lower, 1)[0];
        chars[2] = RandomNumberGenerator.GetItems<char>(digits, 1)[0];
        chars[3] = RandomNumberGenerator.GetItems<char>(symbols, 1)[0];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private async Task<AdminResult<UserView>> ChangeAsync(string userId, Func<UserManager<ApplicationUser>, ApplicationUser, Task<IdentityResult>> change,
        CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        ct.ThrowIfCancellationRequested();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByIdAsync(userId) is not { } account)
        {
            return new AdminResult<UserView>.NotFound();
        }

        var result = await change(users, account);
        return result.Succeeded ? new AdminResult<UserView>.Ok(await ViewAsync(users, account)) : Invalid<UserView>(result, "lock");
    }

    /// <summary>Without the demo data nothing creates the roles, so the first assignment does.</summary>
    private static async Task EnsureRolesExistAsync(IServiceProvider services, CancellationToken ct)
    {
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in RoleNames.All)
        {
            ct.ThrowIfCancellationRequested();
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    private static async Task<UserView> ViewAsync(UserManager<ApplicationUser> users, ApplicationUser account) =>
        new(account.Id, account.Email ?? account.Id, account.DisplayName, Ordered(await users.GetRolesAsync(account)), await users.IsLockedOutAsync(account));

    private static List<string> Ordered(IEnumerable<string> roles) => RoleNames.All.Where(roles.Contains).ToList();

    private static void CheckDisplayName(string? displayName, ValidationErrors errors)
    {
        if (displayName is { Length: > 100 } || displayName?.Any(char.IsControl) == true)
        {
            errors.Add("displayName", "The name can be at most 100 characters.");
        }
    }

    private static void CheckRoles(IReadOnlyList<string>? roles, ValidationErrors errors)
    {
        if (roles?.FirstOrDefault(r => !RoleNames.All.Contains(r)) is { } unknown)
        {
            errors.Add("roles", $"'{unknown}' is not a role; the roles are {string.Join(", ", RoleNames.All)}.");
        }
    }

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static AdminResult<T> Invalid<T>(IdentityResult result, string field) =>
        new AdminResult<T>.Invalid(new Dictionary<string, string[]> { [field] = result.Errors.Select(e => e.Description).ToArray() });
}
