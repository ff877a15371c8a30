using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Live;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Postgres;
using BookingPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>The app on Kestrel with a clock the test controls (shared by every instance of a test).</summary>
public sealed class ClockedAppServer(string connectionString, TimeProvider clock, int port = 0)
    : AppServer(connectionString, new Dictionary<string, string> { ["RateLimiting:Enabled"] = "false" }, port)
{
    protected override void ConfigureApp(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton(clock));

    public PostgresChangeListener Listener => Services.GetRequiredService<PostgresChangeListener>();
}

/// <summary>
/// Two app instances on loopback over one database, as behind a load balancer: users of every role, a venue whose
/// rooms are spread over the plan, and the shared clock at Monday 2027-03-01 09:50 in Berlin.
/// </summary>
public class TwoInstances : IAsyncLifetime
{
    public const string Password = "Live!Password1";

    public static readonly DateTimeOffset Start = new(2027, 3, 1, 8, 50, 0, TimeSpan.Zero);
    public static readonly DateOnly Monday = new(2027, 3, 1);

    public static readonly Actor Olga = TestData.Operator with { Email = "olga@live.test" };
    public static readonly Actor Ada = TestData.Admin with { Email = "ada@live.test" };
    public static readonly Actor Alice = TestData.Alice with { Email = "alice@live.test" };

    public static readonly string[] Rooms =
        ["Aurora", "Borealis", "Cirrus", "Delta", "Echo", "Fjord", "Galaxy", "Horizon", "Iris", "Juniper", "Kestrel", "Lumen"];

    private readonly Dictionary<string, string> _tokens = [];

    public ManualTimeProvider Clock { get; } = new(Start);
    public string ConnectionString { get; private set; } = null!;
    public ClockedAppServer A { get; private set; } = null!;
    public ClockedAppServer B { get; private set; } = null!;
    public Venue Venue { get; private set; } = null!;
    public EngineHarness Harness { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        A = new ClockedAppServer(ConnectionString, Clock);
        A.Start();
        B = new ClockedAppServer(ConnectionString, Clock);
        B.Start();
        await CreateUsersAsync();
        Harness = new EngineHarness(ConnectionString);
        // Aurora and Delta ask for check-in; every room gets a cell of its own on the 100 × 60 plan.
        Venue = await Harness.SeedVenueAsync(v =>
        {
            foreach (var name in Rooms)
            {
                var room = v.Room(name);
                if (name is "Aurora" or "Delta")
                {
                    room.WithRules(r => r with { RequiresCheckIn = true });
                }
            }
        });
        var assigned = await A.Services.GetRequiredService<OperatorAssignments>().SetAsync(Olga.UserId, [Venue.Location.Id]);
        if (!assigned.IsEmpty)
        {
            throw new InvalidOperationException("Olga could not be made operator of the venue.");
        }

        await using var db = await Harness.Contexts.CreateDbContextAsync();
        var resources = await db.Resources.Where(r => r.LocationId == Venue.Location.Id).ToListAsync();
        foreach (var resource in resources)
        {
            var i = Array.IndexOf(Rooms, resource.Name);
            resource.PlaceOnFloor(resource.FloorId, FloorplanShape.Rectangle(1 + i % 6 * 16.5, 2 + i / 6 * 30, 15, 26));
        }

        await db.SaveChangesAsync();
    }

    public virtual Task DisposeAsync()
    {
        A.Dispose();
        B.Dispose();
        return Task.CompletedTask;
    }

    protected virtual Task<string> CreateDatabaseAsync() => TestDatabase.CreateMigratedDatabaseAsync("live");

    /// <summary>A client of <paramref name="server"/> signed in through the API as <paramref name="actor"/>.</summary>
    public async Task<HttpClient> ApiAsync(AppServer server, Actor actor)
    {
        if (!_tokens.TryGetValue(actor.UserId, out var token))
        {
            using var anonymous = server.CreateClient();
            var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = actor.Email, password = Password });
            response.EnsureSuccessStatusCode();
            token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            _tokens[actor.UserId] = token;
        }

        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Books through <paramref name="server"/>'s API at Berlin wall-clock times today; returns the booking id.</summary>
    public async Task<Guid> BookAsync(AppServer server, string room, string from, string to, string title = "Live", Actor? who = null)
    {
        using var client = await ApiAsync(server, who ?? Alice);
        var range = Venue.At(Monday, from, to);
        var response = await client.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { Venue[room].Id }, start = range.Start.ToString("O"), end = range.End.ToString("O"), title, attendeeCount = 2 });
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Books while the clock stands at <paramref name="bookedAt"/> (so the start may lie before "now"), then puts it back.</summary>
    public async Task<Guid> BookEarlierAsync(string bookedAt, string room, string from, string to, string title)
    {
        // The test engine has a clock of its own: moving the apps' clock back, even briefly, let a board refreshed by
        // this very booking's event compute its states for 08:00 and keep them.
        Harness.Clock.Set(Venue.Location.ToUtc(Monday, TimeOnly.Parse(bookedAt)));
        var range = Venue.At(Monday, from, to);
        var result = await Harness.Engine.CreateAsync(
            new CreateBookingCommand([Venue[room].Id], range.Start, range.End, title, AttendeeCount: 2), Alice);
        return Assert.IsType<BookingResult.Success>(result).Booking.Id;
    }

    public static async Task SignInAsync(IPage page, Actor actor, string returnUrl)
    {
        await page.GotoAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.FillAsync("#email", actor.Email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).PathAndQuery == returnUrl, new() { Timeout = 30_000 });
    }

    /// <summary>Waits until the page's circuit is live, i.e. the element flags data-interactive.</summary>
    public static Task InteractiveAsync(IPage page, string testId) =>
        Expect(page.GetByTestId(testId)).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });

    public static ILocator Room(IPage page, string name) => page.Locator($"[data-testid=fp-resource][data-resource=\"{name}\"]");

    private async Task CreateUsersAsync()
    {
        using var scope = A.Services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in RoleNames.All)
        {
            await roles.CreateAsync(new IdentityRole(role));
        }

        foreach (var actor in new[] { Olga, Ada, Alice })
        {
            await CreateUserAsync(actor);
        }
    }

    /// <summary>A user with <paramref name="actor"/>'s id, e-mail and roles, and <see cref="Password"/>.</summary>
    public async Task CreateUserAsync(Actor actor)
    {
        using var scope = A.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { Id = actor.UserId, UserName = actor.Email, Email = actor.Email, EmailConfirmed = true };
        Check(await users.CreateAsync(user, Password));
        foreach (var role in RoleNames.All.Where(r => actor.Roles.HasFlag(Enum.Parse<Roles>(r))))
        {
            Check(await users.AddToRoleAsync(user, role));
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}

/// <summary>
/// <see cref="TwoInstances"/> over a PostgreSQL cluster of its own, so a test may restart the server without
/// disturbing the test classes that share the run's cluster.
/// </summary>
public sealed class TwoInstancesOwnCluster : TwoInstances
{
    public PostgresCluster Cluster { get; private set; } = null!;

    protected override async Task<string> CreateDatabaseAsync()
    {
        Cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions
        {
            DataDirectory = Path.Combine("/tmp", $"bp-restart-{Guid.NewGuid():N}"[..20]),
            Persistent = false,
            StopWhenProcessExits = true,
        }, NullLogger.Instance, CancellationToken.None);
        await SqlMigrator.MigrateAsync(Cluster.ConnectionString, NullLogger.Instance);
        return Cluster.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
