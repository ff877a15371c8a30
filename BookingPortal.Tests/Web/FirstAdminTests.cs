using System.Net;
using System.Net.Http.Json;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Tests.Browser;
using BookingPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Web;

/// <summary>A fresh installation without demo data gets its first administrator from configuration, once.</summary>
public class FirstAdminTests
{
    private const string Email = "root@fresh.test";
    private const string Password = "Fresh!Install2026";

    [Fact]
    public async Task Bootstrap_settings_create_the_first_admin_who_can_sign_in_and_a_restart_adds_no_second()
    {
        var database = await TestDatabase.CreateMigratedDatabaseAsync("firstadmin");
        var settings = new Dictionary<string, string>
        {
            ["Bootstrap:AdminEmail"] = Email,
            ["Bootstrap:AdminPassword"] = Password,
        };

        await using (var first = new AppServer(database, settings).Start())
        {
            using var client = first.CreateClient();
            var login = await client.PostAsJsonAsync("/api/auth/login", new { email = Email, password = Password });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal([Email], await AdminEmailsAsync(first));
        }

        settings["Bootstrap:AdminEmail"] = "second@fresh.test";
        await using var restarted = new AppServer(database, settings).Start();
        Assert.Equal([Email], await AdminEmailsAsync(restarted));
    }

    [Fact]
    public async Task A_password_identity_refuses_stops_the_start_with_a_clear_message()
    {
        var database = await TestDatabase.CreateMigratedDatabaseAsync("firstadminbad");
        var settings = new Dictionary<string, string> { ["Bootstrap:AdminEmail"] = Email, ["Bootstrap:AdminPassword"] = "short" };

        await using var server = new AppServer(database, settings);
        var failure = Record.Exception(() => server.Start());

        Assert.NotNull(failure);
        Assert.Contains("first administrator", failure.ToString(), StringComparison.Ordinal);
    }

    private static async Task<List<string?>> AdminEmailsAsync(AppServer server)
    {
        using var scope = server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var admins = await users.GetUsersInRoleAsync(RoleNames.Admin);
        return admins.Select(u => u.Email).ToList();
    }
}
