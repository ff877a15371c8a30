using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Tests.Browser;
using BookingPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Api;

/// <summary>
/// The real app on Kestrel over its own migrated database, with a controlled clock, five users signed in through
/// /api/auth/login, a venue to book, and a second location (the annex) with its own operator.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string Password = "Test!Password1";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, string> _tokens = [];
    private TestAppServer? _server;

    public ManualTimeProvider Clock { get; } = new(EngineHarness.DefaultNow);
    public Venue Venue { get; private set; } = null!;
    public Venue Annex { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;
    public IServiceProvider Services => _server!.Services;

    public static readonly Actor Alice = TestData.Alice with { Email = "alice@api.test" };
    public static readonly Actor Bob = TestData.Bob with { Email = "bob@api.test" };
    public static readonly Actor Olga = TestData.Operator with { Email = "olga@api.test" };
    public static readonly Actor Ada = TestData.Admin with { Email = "ada@api.test" };

    /// <summary>An operator of the annex, not of the venue the tests book.</summary>
    public static readonly Actor Oskar = TestData.Operator with { UserId = "oskar", Email = "oskar@api.test" };

    private static readonly Actor[] Users = [Alice, Bob, Olga, Ada, Oskar];

    // The clock jumps ahead in some tests; a token valid for sixty days outlives that.
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimiting:Enabled"] = "false",
        ["Auth:AccessTokenMinutes"] = "86400",
    };

    /// <summary>Services a fixture adds to or replaces in the app, after the app's own.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The loopback port the app listens on; 0 lets the OS pick. A fixture whose settings name the app's own address picks one first.</summary>
    protected virtual int Port => 0;

    /// <summary>Work a fixture needs done before the app starts, such as starting the fake services its settings name.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await BeforeStartAsync();
        ConnectionString = await TestDatabase.CreateMigratedDatabaseAsync("api");
        _server = new TestAppServer(ConnectionString, Settings, Clock, ConfigureServices, Port);
        _server.Start();

        using (var scope = Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in RoleNames.All)
            {
                await roles.CreateAsync(new IdentityRole(role));
            }

            foreach (var actor in Users)
            {
                var user = new ApplicationUser { Id = actor.UserId, UserName = actor.Email, Email = actor.Email, EmailConfirmed = true };
                Check(await users.CreateAsync(user, Password));
                foreach (var role in RoleNames.All.Where(r => actor.Roles.HasFlag(Enum.Parse<Roles>(r))))
                {
                    Check(await users.AddToRoleAsync(user, role));
                }
            }
        }

        var harness = new EngineHarness(ConnectionString);
        Venue = await harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora", capacity: 8).WithFeatures("projector");
            v.Room("Borealis", capacity: 10).WithFeatures("projector", "video");
            v.Room("Board", capacity: 12).WithRules(r => r with { RequiresApproval = true });
            v.Room("Retired", capacity: 4);
            v.Desk("Desk 1");
        });
        Annex = await harness.SeedVenueAsync(v => v.Room("Annex room", capacity: 6));
        await using (var db = await harness.Contexts.CreateDbContextAsync())
        {
            (await db.Resources.SingleAsync(r => r.Id == Venue["Retired"].Id)).Deactivate();
            await db.SaveChangesAsync();
        }

        await AssignAsync(Olga, Venue.Location.Id);
        await AssignAsync(Oskar, Annex.Location.Id);

        foreach (var actor in Users)
        {
            using var anonymous = Anonymous();
            var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = actor.Email, password = Password });
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<JsonElement>();
            _tokens[actor.UserId] = token.GetProperty("accessToken").GetString()!;
        }
    }

    /// <summary>Makes the operator look after exactly these locations, effective from their next request.</summary>
    public async Task AssignAsync(Actor @operator, params Guid[] locationIds)
    {
        var errors = await Services.GetRequiredService<OperatorAssignments>().SetAsync(@operator.UserId, locationIds);
        Assert.True(errors.IsEmpty, errors.ToString());
    }

    /// <summary>A booking request carrying an Idempotency-Key, as a client retrying after a lost answer sends it.</summary>
    public static async Task<HttpResponseMessage> PostBookingAsync(HttpClient client, object body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    public HttpClient Anonymous() => _server!.CreateClient();

    public HttpClient As(Actor actor)
    {
        var client = _server!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[actor.UserId]);
        return client;
    }

    public Task<long> CountAsync(string sql) => ScalarAsync<long>(sql);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var db = new BookingDbContext(new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(ConnectionString).Options);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        _server?.Dispose();
        await AfterStopAsync();
    }

    /// <summary>Work a fixture does once the app has stopped, such as stopping the fake services it started.</summary>
    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private sealed class TestAppServer(string connectionString, IReadOnlyDictionary<string, string> settings, TimeProvider clock,
        Action<IServiceCollection> configureServices, int port) : AppServer(connectionString, settings, port)
    {
        protected override void ConfigureApp(IWebHostBuilder builder) =>
            builder.ConfigureServices(services =>
            {
                services.AddSingleton(clock);
                configureServices(services);
            });
    }
}

/// <summary>Default settings, rate limits included: what a deployment gets.</summary>
public sealed class DefaultSettingsApiFixture : ApiFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Auth:AccessTokenMinutes"] = "86400" };
}
