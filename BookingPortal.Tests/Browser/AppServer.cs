using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BookingPortal.Tests.Browser;

/// <summary>
/// Hosts the real app on Kestrel on a free loopback port, so a real browser (and its WebSocket for the Blazor
/// circuit) can reach it; the in-memory TestServer of <see cref="WebApplicationFactory{TEntryPoint}"/> cannot.
/// </summary>
/// <remarks>
/// Create one with the connection string of the database the test needs, call <see cref="Start"/>, then use
/// <see cref="BaseAddress"/> for browsers and <see cref="WebApplicationFactory{TEntryPoint}.CreateClient()"/> for
/// HTTP. Override <see cref="ConfigureApp"/> to change services or settings further.
/// </remarks>
public class AppServer : WebApplicationFactory<Program>
{
    private readonly string connectionString;
    private readonly IReadOnlyDictionary<string, string> settings;

    /// <param name="port">0 (the default) lets the OS pick a free port, so parallel test runs never collide; a test that
    /// restarts "the same" server passes the port of the previous one.</param>
    public AppServer(string connectionString, IReadOnlyDictionary<string, string>? settings = null, int port = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        this.connectionString = connectionString;
        this.settings = settings ?? new Dictionary<string, string>();
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
    }

    /// <summary>Where the running app listens, with a trailing slash; set by <see cref="Start"/>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts Kestrel (once) and returns this server for chaining.</summary>
    public AppServer Start()
    {
        StartServer();
        // After StartServer the factory points its clients at the address Kestrel actually bound.
        BaseAddress = ClientOptions.BaseAddress;
        return this;
    }

    public Uri Url(string relative) => new(BaseAddress, relative.TrimStart('/'));

    protected sealed override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Booking", connectionString);
        // The factory runs the app as Development, which would seed the demo venue; tests start from an empty
        // database unless they ask for it.
        builder.UseSetting("DemoData:Seed", "false");
        // The scheduler's tests switch it on; everywhere else its background passes would only slow the suite down.
        builder.UseSetting("Scheduling:Enabled", "false");
        // Tests sign in far more often than people do; the sign-in limit's own test sets it low again.
        builder.UseSetting("RateLimiting:SignIn:PermitLimit", "10000");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        ConfigureApp(builder);
    }

    protected virtual void ConfigureApp(IWebHostBuilder builder)
    {
    }
}

/// <summary>An app whose database is unreachable: enough for pages and probes that never touch PostgreSQL.</summary>
public sealed class AppServerWithoutDatabase : IDisposable
{
    // Port 1 on loopback refuses at once, so readiness fails fast instead of waiting for a connect timeout.
    public const string UnreachableConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x";

    public AppServerWithoutDatabase() =>
        Server = new AppServer(UnreachableConnectionString, new Dictionary<string, string> { ["Database:MigrateOnStartup"] = "false" }).Start();

    public AppServer Server { get; }

    public void Dispose() => Server.Dispose();
}

/// <summary>The app over its own freshly migrated database: what a page that signs in, books or renders forms needs.</summary>
public sealed class AppServerWithDatabase : IAsyncLifetime
{
    public AppServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = new AppServer(await Infrastructure.TestDatabase.CreateMigratedDatabaseAsync("app")).Start();

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}
