using System.Text.RegularExpressions;
using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>
/// Recurring bookings in the browser: booking a weekly series around taken weeks, and changing or moving an
/// occurrence for itself, the following ones or all. Each test uses its own room and hours of the fixed Monday.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SeriesBookingTests(BrowserFixture browser, StaffSite site) : IClassFixture<StaffSite>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = StaffBrowser.Slow };

    private static readonly object FourMondays = new { frequency = "weekly", interval = 1, count = 4 };

    [Fact]
    public async Task A_weekly_series_with_taken_weeks_is_booked_by_choosing_a_way_out_for_each_of_them()
    {
        await site.BookThroughApiAsync(StaffSite.Colleague, "Vendor demo", site.Venue.At(StaffSite.Today.AddDays(7), "10:00", "11:00"), "Alder");
        await site.BookThroughApiAsync(StaffSite.Colleague, "Vendor demo", site.Venue.At(StaffSite.Today.AddDays(14), "10:00", "11:00"), "Alder");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/calendar?view=timeline&date=2027-03-01", "calendar");
        var alder = page.GetByTestId("timeline-row").Filter(new() { Has = page.GetByText("Alder", new() { Exact = true }) });
        await alder.Locator("[data-testid=timeline-cell][data-time='10:00']").ClickAsync();

        var dialog = page.GetByTestId("booking-form");
        await Expect(dialog).ToBeVisibleAsync(Visible);
        await page.GetByLabel("Title").FillAsync("Weekly sync");
        await StaffBrowser.ChooseAsync(page, "booking-repeat-frequency", "Weekly");
        await Expect(page.GetByTestId("repeat-day-monday")).ToBeCheckedAsync();
        await page.GetByLabel("Number of times").FillAsync("4");
        await page.GetByTestId("booking-submit").ClickAsync();

        // Two of four Mondays are taken: each gets its own way out, the free room chosen to begin with.
        var clashes = page.GetByTestId("clash");
        await Expect(clashes).ToHaveCountAsync(2, new() { Timeout = StaffBrowser.Slow });
        await Expect(clashes.Nth(0)).ToContainTextAsync("Mon 8 Mar 2027, 10:00–11:00");
        await Expect(clashes.Nth(0)).ToContainTextAsync("Alder is booked 10:00–11:00");
        await Expect(clashes.Nth(0).Locator("input[data-option^='room:']").First).ToBeCheckedAsync();
        await Expect(clashes.Nth(0).Locator("input[data-option=wait]")).ToHaveCountAsync(1);
        await Accessibility.AssertNoViolationsAsync(page);
        await clashes.Nth(1).GetByLabel("Leave this one out").CheckAsync();
        await page.GetByTestId("apply-choices").ClickAsync();

        var outcome = page.GetByTestId("series-outcome");
        await Expect(outcome).ToBeVisibleAsync(Visible);
        await Expect(outcome.GetByTestId("outcome-summary")).ToHaveTextAsync("Every Monday, 10:00–11:00, 4 times");
        await Expect(outcome.GetByTestId("outcome-swapped")).ToContainTextAsync("Mon 8 Mar 2027, 10:00–11:00: in Birch instead of Alder");
        await Expect(outcome.GetByTestId("outcome-skipped")).ToContainTextAsync("Mon 15 Mar 2027, 10:00–11:00: left out");
        await Accessibility.AssertNoViolationsAsync(page);
        await page.GetByTestId("series-done").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var booked = await SeriesOfAsync("Weekly sync");
        Assert.Equal(["03-01 10:00 Alder", "03-08 10:00 Birch", "03-22 10:00 Alder"], booked.Select(b => $"{Local(b.Start):MM-dd HH:mm} {b.Resource}"));
    }

    [Fact]
    public async Task Changing_this_and_following_moves_the_later_occurrences_and_cancelling_all_ends_the_series()
    {
        await site.BookSeriesThroughApiAsync(StaffSite.Staff, "Design review", site.At("12:00", "13:00"), FourMondays, "Cedar");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/bookings", "my-bookings");
        var cards = page.GetByTestId("booking-card").Filter(new() { HasText = "Design review" });
        await Expect(cards).ToHaveCountAsync(4, new() { Timeout = StaffBrowser.Slow });
        await Expect(cards.First.GetByTestId("booking-series")).ToHaveTextAsync("Every Monday, 12:00–13:00, 4 times");

        await cards.Nth(1).GetByTestId("change-booking").ClickAsync();
        var dialog = page.GetByTestId("booking-form");
        await Expect(dialog.GetByTestId("series-summary")).ToHaveTextAsync("Every Monday, 12:00–13:00, 4 times", new() { Timeout = StaffBrowser.Slow });
        await Expect(dialog.GetByTestId("scope-occurrence")).ToBeCheckedAsync();
        await dialog.GetByLabel("This and following").CheckAsync();
        await StaffBrowser.ChooseAsync(page, "booking-start", "14:00");
        await Accessibility.AssertNoViolationsAsync(page);
        await page.GetByTestId("booking-submit").ClickAsync();

        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("Series changed", new() { Timeout = StaffBrowser.Slow });
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(cards.Nth(1)).ToContainTextAsync("Mon 8 Mar 2027, 14:00–15:00", new() { Timeout = StaffBrowser.Slow });
        await Expect(cards.Nth(0)).ToContainTextAsync("Mon 1 Mar 2027, 12:00–13:00");
        // The later part is a series of its own now, and says so.
        await Expect(cards.Nth(1).GetByTestId("booking-series")).ToHaveTextAsync("Every Monday, 14:00–15:00, 3 times");
        var moved = await SeriesOfAsync("Design review");
        Assert.Equal(["03-01 12:00", "03-08 14:00", "03-15 14:00", "03-22 14:00"], moved.Select(b => $"{Local(b.Start):MM-dd HH:mm}"));
        Assert.Equal(2, moved.Select(b => b.SeriesId).Distinct().Count());

        await cards.Nth(2).GetByTestId("cancel-booking").ClickAsync();
        var cancel = page.GetByTestId("cancel-dialog");
        await cancel.GetByLabel("All in the series").CheckAsync();
        await cancel.GetByTestId("cancel-confirm").ClickAsync();

        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("3 bookings cancelled", new() { Timeout = StaffBrowser.Slow });
        // Both tabs are in the page: the three cancelled ones move to Past, the first stays upcoming.
        await Expect(cards.Filter(new() { Has = page.Locator(".status-badge", new() { HasTextRegex = new Regex("cancelled", RegexOptions.IgnoreCase) }) }))
            .ToHaveCountAsync(3, new() { Timeout = StaffBrowser.Slow });
        Assert.Single(await SeriesOfAsync("Design review"));
    }

    [Fact]
    public async Task Dragging_an_occurrence_asks_how_far_and_moves_the_whole_series()
    {
        await site.BookSeriesThroughApiAsync(StaffSite.Staff, "Office hours", site.At("16:00", "17:00"), FourMondays, "Birch");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await page.SetViewportSizeAsync(1440, 900);
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/calendar?view=timeline&date=2027-03-01", "calendar");
        var desk = page.GetByTestId("timeline-row").Filter(new() { Has = page.GetByText("Birch", new() { Exact = true }) });
        var hours = desk.GetByTestId("timeline-entry").Filter(new() { HasText = "Office hours" });
        await Expect(hours).ToBeVisibleAsync(Visible);

        await StaffBrowser.DragAsync(page, hours, desk.Locator("[data-testid=timeline-cell][data-time='18:00']"));

        var ask = page.GetByTestId("move-scope-dialog");
        await Expect(ask).ToContainTextAsync("Mon 1 Mar 2027, 18:00–19:00", new() { Timeout = StaffBrowser.Slow });
        await ask.GetByLabel("All in the series").CheckAsync();
        await ask.GetByTestId("move-confirm").ClickAsync();

        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("Series moved", new() { Timeout = StaffBrowser.Slow });
        await Expect(hours).ToHaveAttributeAsync("title", new Regex("18:00–19:00"), new() { Timeout = StaffBrowser.Slow });
        var moved = await SeriesOfAsync("Office hours");
        Assert.All(moved, b => Assert.Equal("18:00", Local(b.Start).ToString("HH:mm")));
        Assert.Equal(4, moved.Count);
    }

    private DateTime Local(DateTimeOffset instant) => site.Venue.Location.ToLocal(instant).DateTime;

    private sealed record Held(DateTimeOffset Start, string Resource, Guid? SeriesId);

    /// <summary>The live (not cancelled) bookings with this title, soonest first, with the resource each holds.</summary>
    private async Task<List<Held>> SeriesOfAsync(string title)
    {
        await using var db = await site.Server.Services.GetRequiredService<IDbContextFactory<BookingDbContext>>().CreateDbContextAsync();
        var rows = await db.Bookings.AsNoTracking().Include(b => b.Allocations)
            .Where(b => b.Title == title && b.Status != BookingStatus.Cancelled)
            .OrderBy(b => b.Start)
            .ToListAsync();
        var names = await db.Resources.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name);
        return rows.Select(b => new Held(b.Start, names[b.ResourceIds.Single()], b.SeriesId)).ToList();
    }
}
