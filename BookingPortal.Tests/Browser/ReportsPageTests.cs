using System.Globalization;
using CsvHelper;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>The reports page as an admin uses it: this week's utilization per room, as a table and as CSV.</summary>
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
}
