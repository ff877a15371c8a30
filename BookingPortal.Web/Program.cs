using BookingPortal.Web.Components;
using BookingPortal.Web.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Radzen;

var builder = WebApplication.CreateBuilder(args);

// Outside Development the host only maps static web assets when asked, and without it a build-output run in
// Production answers 500 for package assets such as Radzen's _content files. A published app has no runtime
// manifest, so this is a no-op there.
builder.WebHost.UseStaticWebAssets();

var connectionString = await Program.ResolveConnectionStringAsync(builder);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();
builder.Services.AddRadzenComponents();

builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.AddHealthChecks()
    .AddCheck<DatabaseReadinessCheck>(
        DatabaseReadinessCheck.Name,
        tags: [Program.ReadyTag],
        // Shorter than a typical probe timeout, so an unroutable host yields 503 instead of a hung probe.
        timeout: TimeSpan.FromSeconds(5));

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();

// Liveness runs no checks: a database outage must not make the orchestrator restart healthy app instances.
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Program.ReadyTag) });

app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

await app.RunAsync();

public partial class Program
{
    internal const string ReadyTag = "ready";

    // The single place that decides which PostgreSQL the app talks to, kept small so the embedded cluster can
    // replace the fallback below without touching the rest of the composition.
    internal static Task<string> ResolveConnectionStringAsync(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Booking");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Task.FromResult(configured);
        }

        // TODO(main): start embedded PostgreSQL here
        return Task.FromResult("Host=127.0.0.1;Port=1;Database=booking;Username=booking;Password=unset");
    }
}
