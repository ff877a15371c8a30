using BookingPortal.Web.Hosting;
using BookingPortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>The demo venue on a fixed Tuesday morning, so the staff pages show a realistic, repeatable day.</summary>
public sealed class DemoSite : IAsyncLifetime
{
    /// <summary>Tuesday 2 March 2027, 09:40 in Berlin: meetings under way, more to come, one check-in window open.</summary>
    public ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2027, 3, 2, 8, 40, 0, TimeSpan.Zero));

    public AppServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = new StaffClockAppServer(await TestDatabase.CreateMigratedDatabaseAsync("demo"), Clock,
            new Dictionary<string, string> { ["DemoData:Seed"] = "true" }).Start();

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Phone and desktop screenshots of the staff pages, written under the test output (TestResults/screenshots) for
/// people to look at; the phone run also checks that no page scrolls sideways.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture browser, DemoSite site) : IClassFixture<DemoSite>
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private static readonly (string Name, string Path, string TestId)[] Pages =
    [
        ("home", "/", "home"),
        ("find", "/find", "find-room"),
        ("calendar", "/calendar", "calendar"),
        ("timeline", "/calendar?view=timeline", "calendar"),
        ("bookings", "/bookings", "my-bookings"),
    ];

    [Theory]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1440, 900)]
    public async Task Staff_pages_are_captured_and_fit_the_screen(string device, int width, int height)
    {
        Directory.CreateDirectory(Folder);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = site.Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = device == "phone",
            HasTouch = device == "phone",
        });
        await using var _ = context;
        var page = await context.NewPageAsync();
        await StaffBrowser.SignInAsync(page, "staff@demo.local", DemoVenueSeeder.Password);

        foreach (var (name, path, testId) in Pages)
        {
            await StaffBrowser.OpenAsync(page, path, testId);
            await Expect(page.GetByTestId(testId).Locator("[role=progressbar]")).ToHaveCountAsync(0, new() { Timeout = StaffBrowser.Slow });
            var file = Path.Combine(Folder, $"{device}-{name}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            Assert.True(new FileInfo(file).Length > 0, file);

            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} scrolls sideways by {overflow}px at {width}px");
        }
    }
}
