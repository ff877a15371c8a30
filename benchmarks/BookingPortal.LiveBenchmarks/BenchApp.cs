using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BookingPortal.Benchmarks;

/// <summary>One app instance on a loopback port, configured as in production, in this process so its heap can be measured.</summary>
internal sealed class BenchApp : WebApplicationFactory<Program>
{
    private readonly string _connectionString;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection> _services;

    private BenchApp(string connectionString, IReadOnlyDictionary<string, string>? settings, Action<IServiceCollection>? services)
    {
        _connectionString = connectionString;
        _settings = settings ?? new Dictionary<string, string>();
        _services = services ?? (_ => { });
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <param name="settings">Settings over the production ones (a run that needs the scheduler or a provider).</param>
    /// <param name="services">Services added after the app's own (a transport seam such as trusting a fake's certificate).</param>
    public static BenchApp Start(string connectionString, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var app = new BenchApp(connectionString, settings, services);
        app.StartServer();
        app.BaseAddress = app.ClientOptions.BaseAddress;
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Booking", _connectionString);
        builder.UseSetting("Database:MigrateOnStartup", "false");
        builder.UseSetting("DemoData:Seed", "false");
        builder.UseSetting("RateLimiting:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft", "Error");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(_services);
    }
}
