using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser.Admin;

/// <summary>The app over its own migrated database, on the real clock, with an admin and a staff member who can sign in.</summary>
public sealed class AdminApp : IAsyncLifetime
{
    public const string AdminEmail = "ada@admin.test";
    public const string StaffEmail = "sam@admin.test";
    public const string Password = "Admin!Browser2026";

    /// <summary>Generous: the first circuit of a run pays for JIT and component discovery.</summary>
    public static readonly float Slow = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;

    public AppServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = new AppServer(await TestDatabase.CreateMigratedDatabaseAsync("admin")).Start();
        using var scope = Server.Services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in RoleNames.All)
        {
            await roles.CreateAsync(new IdentityRole(role));
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var (email, userRoles) in new[] { (AdminEmail, new[] { RoleNames.Admin, RoleNames.Staff }), (StaffEmail, new[] { RoleNames.Staff }) })
        {
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRolesAsync(user, userRoles)).Succeeded);
        }
    }

    public T Service<T>() where T : notnull => Server.Services.GetRequiredService<T>();

    /// <summary>A fresh location open around the clock with one floor, set up through the admin services.</summary>
    public async Task<(LocationView Location, FloorView Floor)> OfficeAsync(string prefix, string timeZoneId)
    {
        var locations = Service<LocationAdministration>();
        var location = Assert.IsType<AdminResult<LocationView>.Ok>(await locations.CreateAsync(
            new LocationDefinition($"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)], timeZoneId, TestData.AllDayEveryDay().ToList()))).Value;
        var floor = Assert.IsType<AdminResult<FloorView>.Ok>(await locations.AddFloorAsync(location.Id, new FloorDefinition("Open space", 0, 1000, 600))).Value;
        return (location, floor);
    }

    /// <summary>Signs in through the sign-in page, then opens <paramref name="path"/> and waits until its circuit is live.</summary>
    public static async Task SignInAsync(IPage page, string email, string path)
    {
        await page.GotoAsync($"/account/login?returnUrl={Uri.EscapeDataString(path)}");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email, new() { Timeout = Slow });
    }

    /// <summary>Opens an admin page and waits for its circuit: clicks on the prerendered copy would go nowhere.</summary>
    public static async Task OpenAsync(IPage page, string path, string testId)
    {
        if (!page.Url.EndsWith(path, StringComparison.Ordinal))
        {
            await page.GotoAsync(path);
        }

        await Expect(page.GetByTestId(testId)).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Slow });
    }

    /// <summary>Picks the location the resources page shows.</summary>
    public static async Task ChooseLocationAsync(IPage page, string name)
    {
        await page.GetByTestId("resources-location").ClickAsync();
        await page.Locator(".rz-dropdown-item:visible", new() { HasText = name }).ClickAsync();
        await Expect(page.GetByTestId("resources-location")).ToContainTextAsync(name);
    }

    /// <summary>An API client signed in with a bearer token, as an integration or the staff UI would be.</summary>
    public async Task<HttpClient> ApiAsync(string email)
    {
        var client = Server.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}
