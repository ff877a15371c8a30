using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Benchmarks;

/// <summary>Accounts the benchmarks sign in with through the API, as any client would.</summary>
internal static class BenchUsers
{
    /// <summary>Creates a staff account unless one with this email exists.</summary>
    public static async Task EnsureStaffAsync(IServiceProvider services, string userId, string email, string password)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(RoleNames.Staff))
        {
            await roles.CreateAsync(new IdentityRole(RoleNames.Staff));
        }

        if (await users.FindByEmailAsync(email) is null)
        {
            var user = new ApplicationUser { Id = userId, UserName = email, Email = email, EmailConfirmed = true };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                throw new BenchmarkFailedException($"Could not create {email}: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            }

            await users.AddToRoleAsync(user, RoleNames.Staff);
        }
    }

    /// <summary>
    /// Identity's stores on the database and nothing else, for a run whose app instances all live in other processes:
    /// the accounts must exist before any of them starts.
    /// </summary>
    public static ServiceProvider IdentityOn(string connectionString) => new ServiceCollection()
        .AddLogging()
        .AddDbContext<BookingDbContext>(options => options.UseNpgsql(connectionString))
        .AddIdentityCore<ApplicationUser>()
        .AddRoles<IdentityRole>()
        .AddEntityFrameworkStores<BookingDbContext>()
        .Services
        .BuildServiceProvider();
}
