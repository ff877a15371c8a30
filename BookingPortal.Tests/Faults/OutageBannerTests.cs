using BookingPortal.Tests.Browser;
using static BookingPortal.Tests.Browser.TwoInstances;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Faults;

/// <summary>An open page whose next view cannot load while PostgreSQL is down: a calm banner, no dead circuit, no reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OutageBannerTests(BrowserFixture browser, TwoInstancesOwnCluster apps) : IClassFixture<TwoInstancesOwnCluster>
{
    [Fact]
    public async Task A_page_that_meets_the_outage_shows_the_banner_and_renders_itself_once_the_database_is_back()
    {
        await using var scope = await browser.NewPageAsync(apps.A.BaseAddress);
        var page = scope.Page;
        await SignInAsync(page, Alice, "/bookings");
        await InteractiveAsync(page, "my-bookings");
        await page.EvaluateAsync("() => window.sameDocument = true");

        await PostgresOutage.StopImmediatelyAsync(apps.Cluster);
        try
        {
            // Navigating inside the circuit: the notifications page reads the database as it initializes.
            await page.GetByTestId("notification-bell").ClickAsync();

            await Expect(page.GetByTestId("database-outage")).ToContainTextAsync("The database is unreachable — retrying…", new() { Timeout = 40_000 });
            await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            await Expect(page.GetByTestId("page-error")).ToHaveCountAsync(0);
        }
        finally
        {
            await PostgresOutage.StartAgainAsync(apps.Cluster);
        }

        await Expect(page.GetByTestId("no-notifications")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("database-outage")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "The page was reloaded.");
    }
}
