using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>The "My bookings" page on the fixed Monday, 08:00 in Berlin.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MyBookingsTests(BrowserFixture browser, StaffSite site) : IClassFixture<StaffSite>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = StaffBrowser.Slow };

    [Fact]
    public async Task Check_in_is_offered_only_while_its_window_is_open()
    {
        // Check-in opens 15 minutes before the start: 07:55 for the first, 10:45 for the second.
        await site.BookThroughApiAsync(StaffSite.Staff, "Early desk", site.At("08:10", "09:00"), "Desk 1");
        await site.BookThroughApiAsync(StaffSite.Staff, "Late desk", site.At("11:00", "12:00"), "Desk 1");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);

        await StaffBrowser.OpenAsync(page, "/bookings", "my-bookings");
        var early = page.GetByTestId("booking-card").Filter(new() { HasText = "Early desk" });
        var late = page.GetByTestId("booking-card").Filter(new() { HasText = "Late desk" });
        await Expect(late).ToBeVisibleAsync(Visible);
        await Expect(late.GetByTestId("check-in")).ToHaveCountAsync(0);

        await early.GetByTestId("check-in").ClickAsync();

        await Expect(early.Locator(".status-badge")).ToHaveTextAsync("Checked in", new() { IgnoreCase = true, Timeout = StaffBrowser.Slow });
        await Expect(early.GetByTestId("check-in")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Cancelling_with_a_reason_moves_the_booking_to_past_and_its_history_tells_why()
    {
        await site.BookThroughApiAsync(StaffSite.Staff, "Vendor call", site.At("15:00", "16:00"), "Birch");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/bookings", "my-bookings");
        // Both tabs are in the page; only the open one is visible.
        var card = page.GetByTestId("booking-card").Filter(new() { HasText = "Vendor call", Visible = true });

        await card.GetByTestId("cancel-booking").ClickAsync();
        await page.GetByLabel("Reason (optional)").FillAsync("Vendor postponed");
        await page.GetByTestId("cancel-confirm").ClickAsync();

        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("Booking cancelled", new() { Timeout = StaffBrowser.Slow });
        await Expect(card).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Past" }).ClickAsync();
        var past = page.GetByTestId("booking-card").Filter(new() { HasText = "Vendor call", Visible = true });
        await Expect(past.Locator(".status-badge")).ToHaveTextAsync("Cancelled", new() { IgnoreCase = true });
        await Expect(past).ToContainTextAsync("Reason: Vendor postponed");

        await past.GetByTestId("toggle-history").ClickAsync();
        var history = past.GetByTestId("booking-history");
        await Expect(history).ToContainTextAsync("Created (confirmed)", new() { Timeout = StaffBrowser.Slow });
        await Expect(history).ToContainTextAsync("Confirmed → Cancelled");
        await Expect(history).ToContainTextAsync(StaffSite.Staff);
        await Expect(history).ToContainTextAsync("“Vendor postponed”");
    }

    [Fact]
    public async Task A_booking_made_elsewhere_appears_in_my_open_list_without_a_reload()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/bookings", "my-bookings");
        await Expect(page.GetByTestId("my-bookings").Locator("[role=progressbar]")).ToHaveCountAsync(0, new() { Timeout = StaffBrowser.Slow });

        await site.BookThroughApiAsync(StaffSite.Staff, "Booked from my phone", site.At("17:00", "18:00"), "Alder");

        await Expect(page.GetByTestId("booking-card").Filter(new() { HasText = "Booked from my phone" })).ToBeVisibleAsync(new() { Timeout = 5000 });
    }
}
