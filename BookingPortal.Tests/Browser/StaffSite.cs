using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>An app server whose clock the test holds, so "today", "now" and check-in windows are the same on every run.</summary>
public sealed class StaffClockAppServer(string connectionString, TimeProvider clock, IReadOnlyDictionary<string, string>? settings = null)
    : AppServer(connectionString, settings)
{
    protected override void ConfigureApp(IWebHostBuilder builder) => builder.ConfigureServices(services => services.AddSingleton(clock));
}

/// <summary>
/// The app over its own database with a small venue (open weekdays 07:00–20:00 in Berlin), two staff members and an
/// admin, on a clock fixed at Monday 1 March 2027, 08:00 in Berlin.
/// </summary>
public sealed class StaffSite : IAsyncLifetime
{
    public const string Password = "Staff!Browser2026";
    public const string Staff = "sam@staff.test";
    public const string Colleague = "kim@staff.test";
    public const string Admin = "ada@staff.test";

    public static readonly DateOnly Today = new(2027, 3, 1);

    public ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2027, 3, 1, 7, 0, 0, TimeSpan.Zero));
    public AppServer Server { get; private set; } = null!;
    public Venue Venue { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestDatabase.CreateMigratedDatabaseAsync("staff");
        Server = new StaffClockAppServer(connectionString, Clock, new Dictionary<string, string> { ["RateLimiting:Enabled"] = "false", ["Auth:SessionCheckSeconds"] = "2" }).Start();
        await StaffBrowser.EnsureUsersAsync(Server.Services, Password,
            (Staff, Roles.Staff), (Colleague, Roles.Staff), (Admin, Roles.Staff | Roles.Operator | Roles.Admin));
        Venue = await new EngineHarness(connectionString).SeedVenueAsync(v =>
        {
            v.Room("Alder", capacity: 4).WithFeatures("whiteboard");
            v.Room("Birch", capacity: 6).WithFeatures("projector", "video");
            v.RoomUpstairs("Cedar", capacity: 8).WithFeatures("projector", "whiteboard");
            v.Desk("Desk 1");
        });
    }

    /// <summary>A UTC range for a wall-clock time today at the venue.</summary>
    public TimeRange At(string from, string to) => Venue.At(Today, from, to);

    /// <summary>Books through the REST API as <paramref name="email"/>, as an integration or another user's app would.</summary>
    public Task<JsonElement> BookThroughApiAsync(string email, string title, TimeRange range, params string[] resources) =>
        BookSeriesThroughApiAsync(email, title, range, null, resources);

    /// <summary>The same with a <c>recurrence</c> member (as the API takes it), booking a series.</summary>
    public async Task<JsonElement> BookSeriesThroughApiAsync(string email, string title, TimeRange range, object? recurrence, params string[] resources)
    {
        using var response = await PostThroughApiAsync(email, title, range, recurrence, resources);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The same request as <see cref="BookThroughApiAsync"/>, answered as it comes, refusals included.</summary>
    public Task<HttpResponseMessage> PostBookingThroughApiAsync(string email, string title, TimeRange range, params string[] resources) =>
        PostThroughApiAsync(email, title, range, null, resources);

    private async Task<HttpResponseMessage> PostThroughApiAsync(string email, string title, TimeRange range, object? recurrence, string[] resources)
    {
        using var client = Server.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.PostAsJsonAsync("/api/bookings", new
        {
            resourceIds = resources.Select(name => Venue[name].Id).ToArray(),
            start = range.Start,
            end = range.End,
            title,
            attendeeCount = 1,
            recurrence,
        });
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>What browser tests of the staff pages share: users, sign-in, and waiting for the circuit.</summary>
public static class StaffBrowser
{
    /// <summary>Generous: the first circuit of a run pays for JIT and Razor component discovery.</summary>
    public static readonly float Slow = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;

    public static async Task EnsureUsersAsync(IServiceProvider services, string password, params (string Email, Roles Roles)[] people)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in RoleNames.All.Where(r => !roles.Roles.Any(x => x.Name == r)))
        {
            Check(await roles.CreateAsync(new IdentityRole(role)));
        }

        foreach (var (email, granted) in people)
        {
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Check(await users.CreateAsync(user, password));
            foreach (var role in RoleNames.All.Where(r => granted.HasFlag(Enum.Parse<Roles>(r))))
            {
                Check(await users.AddToRoleAsync(user, role));
            }
        }
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email, new() { Timeout = Slow });
    }

    /// <summary>Opens a page and waits until its circuit is up: prerendered controls ignore clicks until then.</summary>
    public static async Task OpenAsync(IPage page, string path, string pageTestId)
    {
        await page.GotoAsync(path);
        await Expect(page.GetByTestId(pageTestId)).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Slow });
    }

    /// <summary>Picks an option of a Radzen drop-down by its text.</summary>
    public static async Task ChooseAsync(IPage page, string dropDownTestId, string option)
    {
        await page.GetByTestId(dropDownTestId).ClickAsync();
        await page.Locator(".rz-popup:visible .rz-dropdown-item").GetByText(option, new() { Exact = true }).ClickAsync();
    }

    /// <summary>
    /// An HTML5 drag as a hand does it: press, nudge until the browser starts dragging, travel, release. Playwright's
    /// one-step DragToAsync starts no drag here.
    /// </summary>
    public static async Task DragAsync(IPage page, ILocator source, ILocator target)
    {
        var from = await source.BoundingBoxAsync() ?? throw new InvalidOperationException("The drag source is not visible.");
        var to = await target.BoundingBoxAsync() ?? throw new InvalidOperationException("The drop target is not visible.");
        await page.Mouse.MoveAsync(from.X + 5, from.Y + from.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(from.X + 15, from.Y + from.Height / 2, new() { Steps = 5 });
        await page.Mouse.MoveAsync(to.X + 5, to.Y + to.Height / 2, new() { Steps = 10 });
        await page.Mouse.UpAsync();
    }

    private static void Check(IdentityResult result) =>
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
}
