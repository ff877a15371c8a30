using System.Globalization;
using System.Net;
using CsvHelper;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>The reports page as an admin uses it: this week's figures per room, narrowed by the filters, as tables and as CSV.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportsPageTests(BrowserFixture browser, StaffSite site) : IClassFixture<StaffSite>
{
    [Fact]
    public async Task An_admin_sees_this_weeks_utilization_per_room_and_downloads_the_same_figures()
    {
        await site.BookThroughApiAsync(StaffSite.Colleague, "Reported", site.At("10:00", "11:00"), "Birch");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await page.SetViewportSizeAsync(1280, 900);
        await StaffBrowser.SignInAsync(page, StaffSite.Admin, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/reports", "reports");

        // The week of Monday 1 March 2027: five days of 07:00–20:00 are 65 open hours; Birch was held for one.
        var birch = page.GetByTestId("utilization-row").Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "Birch", Exact = true }) });
        await Expect(birch).ToContainTextAsync("65", new() { Timeout = StaffBrowser.Slow });
        await Expect(birch.GetByTestId("utilization-share")).ToHaveTextAsync("1.5 %");
        await Expect(page.GetByTestId("utilization-row")).ToHaveCountAsync(site.Venue.Resources.Count);
        Directory.CreateDirectory("screenshots");
        await page.ScreenshotAsync(new() { Path = Path.Combine("screenshots", "reports-desktop-light.png"), FullPage = true });

        await Accessibility.AssertNoViolationsAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("report-csv").ClickAsync());
        using var reader = CsvReader.Create(new StringReader(await File.ReadAllTextAsync(await download.PathAsync())), new CsvReaderOptions { HasHeader = true },
            leaveOpen: false);
        var rows = new Dictionary<string, (decimal Open, decimal Booked)>();
        while (reader.Read())
        {
            rows[reader.GetString(1)] = (decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture), decimal.Parse(reader.GetString(3), CultureInfo.InvariantCulture));
        }

        Assert.Equal((65m, 1m), rows["Birch"]);
        Assert.Equal(site.Venue.Resources.Count, rows.Count);
    }

    [Fact]
    public async Task An_admin_narrows_the_reports_to_a_floor_and_sees_and_downloads_its_figures_accessible_in_both_themes()
    {
        // Cedar is the only room on the first floor: held 13:00–15:00 for one person, and a second request for it refused.
        await site.BookThroughApiAsync(StaffSite.Colleague, "Upstairs", site.At("13:00", "15:00"), "Cedar");
        using (var refused = await site.PostBookingThroughApiAsync(StaffSite.Staff, "Also upstairs", site.At("13:00", "15:00"), "Cedar"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await page.SetViewportSizeAsync(1280, 900);
        await StaffBrowser.SignInAsync(page, StaffSite.Admin, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/reports", "reports");
        await Expect(page.GetByTestId("utilization-row")).ToHaveCountAsync(site.Venue.Resources.Count, new() { Timeout = StaffBrowser.Slow });

        await StaffBrowser.ChooseAsync(page, "report-floor", "First");
        await page.GetByTestId("report-run").ClickAsync();

        // 2 of the week's 65 open hours; Monday 13:00 and 14:00 fully booked; one meeting of 1 in 8 seats; one refusal.
        var cedar = page.GetByTestId("utilization-row");
        await Expect(cedar).ToHaveCountAsync(1, new() { Timeout = StaffBrowser.Slow });
        await Expect(cedar.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync("Cedar");
        await Expect(cedar.GetByTestId("utilization-share")).ToHaveTextAsync("3.1 %");
        await Expect(page.Locator("[data-testid=heatmap-cell][data-cell='Monday-13']")).ToHaveTextAsync("100 %");
        await Expect(page.Locator("[data-testid=heatmap-cell][data-cell='Monday-15']")).ToHaveTextAsync("0 %");
        var sizing = page.GetByTestId("right-sizing-row");
        await Expect(sizing).ToHaveCountAsync(1);
        await Expect(sizing.Locator("td.number")).ToHaveTextAsync(["8", "1", "1", "0", "0", "0", "1", "1"]);
        await Expect(page.GetByTestId("demand-table").GetByRole(AriaRole.Row, new() { Name = "Conflicts refused" })).ToContainTextAsync("1");
        await Expect(page.GetByTestId("trend-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("trend-row")).ToContainTextAsync("3.1 %");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("report-csv").ClickAsync());
        using (var reader = CsvReader.Create(new StringReader(await File.ReadAllTextAsync(await download.PathAsync())), new CsvReaderOptions { HasHeader = true },
                   leaveOpen: false))
        {
            Assert.True(reader.Read());
            Assert.Equal(("Cedar", 65m, 2m), (reader.GetString(1), decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                decimal.Parse(reader.GetString(3), CultureInfo.InvariantCulture)));
            Assert.False(reader.Read());
        }

        await Accessibility.AssertNoViolationsAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch between light and dark theme" }).ClickAsync();
        await Expect(page.Locator("link[href*='material-dark']")).ToHaveCountAsync(1, new() { Timeout = StaffBrowser.Slow });
        Directory.CreateDirectory("screenshots");
        await page.ScreenshotAsync(new() { Path = Path.Combine("screenshots", "reports-first-floor-dark.png"), FullPage = true });
        await Accessibility.AssertNoViolationsAsync(page);
    }
}
