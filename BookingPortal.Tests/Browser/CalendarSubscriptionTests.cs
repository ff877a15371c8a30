using Ical.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>Getting bookings into a calendar app from the browser: subscription links and the "Add to calendar" file.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CalendarSubscriptionTests(BrowserFixture browser, StaffSite site) : IClassFixture<StaffSite>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = StaffBrowser.Slow };

    [Fact]
    public async Task Staff_make_a_subscription_link_a_calendar_app_can_read_and_revoke_it()
    {
        var booking = await site.BookThroughApiAsync(StaffSite.Staff, "Subscribed stand-up", site.At("08:00", "08:30"), "Alder");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/account/calendars", "subscriptions");

        await page.GetByTestId("create-subscription").ClickAsync();

        var address = page.GetByTestId("subscription-url");
        await Expect(address).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/api/me/calendar\\.ics\\?token=.+"), new() { Timeout = StaffBrowser.Slow });
        await Expect(page.GetByTestId("open-in-calendar-app")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^webcal://"));
        await Expect(page.GetByTestId("subscription-link")).ToHaveCountAsync(1);
        var url = await address.InputValueAsync();
        // A calendar app sends no cookie and no header.
        using var calendarApp = site.Server.CreateClient();
        var feed = await calendarApp.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.OK, feed.StatusCode);
        var calendar = Calendar.Load(await feed.Content.ReadAsStringAsync())!;
        Assert.Contains(calendar.Events, e => e.Uid == $"{booking.GetProperty("id").GetGuid()}@bookingportal" && e.Summary == "Subscribed stand-up");

        await Accessibility.AssertNoViolationsAsync(page);

        await page.GetByTestId("revoke-subscription").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).Last.ClickAsync();

        await Expect(page.GetByTestId("no-subscriptions")).ToBeVisibleAsync(Visible);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await calendarApp.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Add_to_calendar_on_my_bookings_downloads_the_booking_with_its_feed_uid()
    {
        var booking = await site.BookThroughApiAsync(StaffSite.Staff, "Downloaded review", site.At("18:00", "19:00"), "Birch");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/bookings", "my-bookings");
        var card = page.GetByTestId("booking-card").Filter(new() { HasText = "Downloaded review" });
        await Expect(card).ToBeVisibleAsync(Visible);

        var download = await page.RunAndWaitForDownloadAsync(() => card.GetByTestId("add-to-calendar").ClickAsync());

        Assert.EndsWith(".ics", download.SuggestedFilename);
        var calendar = Calendar.Load(await File.ReadAllTextAsync(await download.PathAsync()))!;
        var e = Assert.Single(calendar.Events);
        Assert.Equal($"{booking.GetProperty("id").GetGuid()}@bookingportal", e.Uid);
        Assert.Equal("Downloaded review", e.Summary);
        Assert.Equal(site.At("18:00", "19:00").Start.UtcDateTime, e.DtStart!.AsUtc);
    }

    [Fact]
    public async Task A_calendar_apps_link_to_a_booking_opens_my_bookings_on_that_booking()
    {
        var booking = await site.BookThroughApiAsync(StaffSite.Staff, "Linked from my calendar", site.At("19:00", "19:30"), "Alder");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        var feed = Calendar.Load(await (await page.APIRequest.GetAsync($"/bookings/{booking.GetProperty("id").GetGuid()}/calendar.ics")).TextAsync())!;
        var link = Assert.Single(feed.Events).Url!;

        await StaffBrowser.OpenAsync(page, link.PathAndQuery, "my-bookings");

        var highlighted = page.GetByTestId("highlighted-booking");
        await Expect(highlighted).ToContainTextAsync("Linked from my calendar", new() { Timeout = StaffBrowser.Slow });
        await Expect(highlighted).ToBeFocusedAsync();
        await Expect(page.GetByTestId("highlighted-booking")).ToHaveCountAsync(1);
    }
}
