using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// A fresh installation has no users and there is no public sign-up, so someone must become the first admin:
/// <c>Bootstrap:AdminEmail</c> (and optionally <c>Bootstrap:AdminPassword</c>) creates that account at start-up
/// while no admin exists. Once any admin exists the settings are ignored, so leaving them in place is harmless.
/// </summary>
public sealed class FirstAdmin(IServiceScopeFactory scopes, UserAdministration users, IConfiguration configuration, ILogger<FirstAdmin> logger)
{
    public async Task EnsureAsync(CancellationToken ct)
    {
        var email = configuration["Bootstrap:AdminEmail"];
        if (string.IsNullOrWhiteSpace(email))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if ((await userManager.GetUsersInRoleAsync(RoleNames.Admin)).Count > 0)
        {
            return;
        }

        var result = await users.CreateAsync(
            new NewUser(email, null, [RoleNames.Admin, RoleNames.Staff], configuration["Bootstrap:AdminPassword"]), ct);
        switch (result)
        {
            case AdminResult<IssuedPassword>.Ok { Value.GeneratedPassword: { } generated }:
                // Shown once, like any password the admin console generates; change it after signing in.
                logger.LogWarning("Created the first administrator {Email} with the one-time password {Password}", email, generated);
                break;
            case AdminResult<IssuedPassword>.Ok:
                logger.LogInformation("Created the first administrator {Email}", email);
                break;
            case AdminResult<IssuedPassword>.Invalid invalid:
                throw new InvalidOperationException("Bootstrap:AdminEmail/AdminPassword cannot create the first administrator: "
                    + string.Join(" ", invalid.Errors.SelectMany(e => e.Value)));
            default:
                throw new InvalidOperationException($"Creating the first administrator failed: {result}");
        }
    }
}
