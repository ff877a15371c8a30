using BookingPortal.Infrastructure;
using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Scheduling;
using BookingPortal.Web.Api;
using BookingPortal.Web.Components;
using BookingPortal.Web.Health;
using BookingPortal.Web.Hosting;
using BookingPortal.Web.Live;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Radzen;

var builder = WebApplication.CreateBuilder(args);
builder.AddBookingHardening();

// Outside Development the host only maps static web assets when asked, and without it a build-output run in
// Production answers 500 for package assets such as Radzen's _content files. A published app has no runtime
// manifest, so this is a no-op there.
builder.WebHost.UseStaticWebAssets();

var (connectionString, embeddedDatabase) = await DatabaseStartup.ResolveAsync(builder);
builder.Services.AddBookingInfrastructure(connectionString);
builder.Services.AddBookingScheduling(builder.Configuration);
builder.Services.AddCalendarSync(builder.Configuration);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();
builder.Services.AddRadzenComponents();
builder.Services.AddRadzenCookieThemeService(options =>
{
    options.Name = ThemeCookie.Name;
    options.Duration = TimeSpan.FromDays(365);
});
builder.Services.AddProblemDetails();
builder.Services.AddBookingFailureAnswers();
builder.AddBookingIdentity();
builder.AddBookingApi();
builder.Services.AddLiveScreens();
builder.Services.AddSingleton<DemoVenueSeeder>();
builder.Services.AddSingleton<FirstAdmin>();
builder.Services.AddScoped<BookingPortal.Web.Components.Pages.Bookings.BookingActions>();

builder.Services.AddHealthChecks()
    .AddCheck<DatabaseReadinessCheck>(
        DatabaseReadinessCheck.Name,
        tags: [Program.ReadyTag],
        // Shorter than a typical probe timeout, so an unroutable host yields 503 instead of a hung probe.
        timeout: TimeSpan.FromSeconds(5));

var app = builder.Build();

if (embeddedDatabase is not null)
{
    app.Lifetime.ApplicationStopped.Register(() => embeddedDatabase.StopAsync().GetAwaiter().GetResult());
}

// Several instances may start at once; the migrator's advisory lock lets exactly one apply each file.
if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
{
    await SqlMigrator.MigrateAsync(connectionString, app.Logger);
}

// Demo venue "HQ" with users and this week's bookings (README, "Demo data"): on by default in Development, elsewhere
// only with DemoData:Seed=true; DemoData:Seed=false turns it off in Development too (the test hosts do).
if (app.Configuration.GetValue("DemoData:Seed", app.Environment.IsDevelopment()))
{
    await app.Services.GetRequiredService<DemoVenueSeeder>().SeedAsync(app.Lifetime.ApplicationStopping);
}

await app.Services.GetRequiredService<FirstAdmin>().EnsureAsync(app.Lifetime.ApplicationStopping);

// Outages answer 503, domain guards 4xx, other API failures a 500 without details (Hosting/FailureAnswers.cs).
app.UseBookingFailureAnswers();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

// API clients get problem details for bare error statuses (404 on an unknown route, 405...); people get the page.
app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"),
    pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
// Routing after the re-execution above, so a re-executed /not-found is routed to its page; with the implicit
// routing at the start of the pipeline an unknown address answered an empty 404.
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
// After authentication (implicit or explicit), so write limits count per signed-in user.
app.UseBookingHardening();

app.MapStaticAssets();

// Liveness runs no checks: a database outage must not make the orchestrator restart healthy app instances.
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Program.ReadyTag) });

app.MapBookingApi();
app.MapAccountEndpoints();
app.MapFloorPlanImages();
app.MapBookingCalendarDownload();
app.MapReportDownloads();

app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

await app.RunAsync();

public partial class Program
{
    internal const string ReadyTag = "ready";
}
