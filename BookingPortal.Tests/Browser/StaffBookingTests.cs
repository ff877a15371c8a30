using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>
/// What a staff member does in the browser, end to end: find, book, see, resolve a conflict, watch others' changes.
/// Each test books its own hours of the fixed day, so the tests of this class never collide with each other.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffBookingTests(BrowserFixture browser, StaffSite site) : IClassFixture<StaffSite>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = StaffBrowser.Slow };

    [Fact]
    public async Task Staff_find_a_free_room_book_it_and_see_it_in_my_bookings_and_on_the_calendar()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);

        await StaffBrowser.OpenAsync(page, "/find", "find-room");
        await StaffBrowser.ChooseAsync(page, "find-start", "10:00");
        await page.GetByLabel("People").FillAsync("5");
        await page.GetByTestId("find-search").ClickAsync();

        // Five people: Alder (4 seats) is too small, Birch (6) fits best, Cedar (8) comes after it.
        var results = page.GetByTestId("find-result");
        await Expect(results).ToHaveCountAsync(2, new() { Timeout = StaffBrowser.Slow });
        await Expect(results.First).ToHaveAttributeAsync("data-resource", "Birch");
        await results.First.GetByTestId("find-book").ClickAsync();

        var dialog = page.GetByTestId("booking-form");
        await Expect(dialog).ToBeVisibleAsync(Visible);
        await Expect(page.GetByTestId("booking-zone")).ToContainTextAsync("Europe/Berlin");
        await page.GetByLabel("Title").FillAsync("Quarterly planning");
        await page.GetByTestId("booking-submit").ClickAsync();

        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("Booked", new() { Timeout = StaffBrowser.Slow });
        await Expect(dialog).ToBeHiddenAsync();
        // The room just taken drops out of the results by itself.
        await Expect(results).ToHaveCountAsync(1, new() { Timeout = StaffBrowser.Slow });

        await StaffBrowser.OpenAsync(page, "/bookings", "my-bookings");
        var card = page.GetByTestId("booking-card").Filter(new() { HasText = "Quarterly planning" });
        await Expect(card).ToBeVisibleAsync(Visible);
        await Expect(card).ToContainTextAsync("Mon 1 Mar 2027, 10:00–11:00");
        await Expect(card).ToContainTextAsync("Birch");
        await Expect(card.Locator(".status-badge")).ToHaveTextAsync("Confirmed", new() { IgnoreCase = true });

        await StaffBrowser.OpenAsync(page, "/calendar?view=day&date=2027-03-01", "calendar");
        await Expect(page.GetByTestId("calendar-entry").Filter(new() { HasText = "Quarterly planning" })).ToBeVisibleAsync(Visible);
        await Expect(page.GetByTestId("calendar-zone")).ToContainTextAsync("Europe/Berlin, UTC+01:00");
    }

    [Fact]
    public async Task The_booking_dialog_shows_the_engines_refusals_next_to_the_fields_and_books_nothing()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/find?date=2027-03-01&start=07:00&duration=30", "find-room");
        await page.GetByTestId("find-result").Filter(new() { Has = page.GetByText("Alder", new() { Exact = true }) }).GetByTestId("find-book").ClickAsync();
        var dialog = page.GetByTestId("booking-form");

        await dialog.GetByTestId("booking-submit").ClickAsync();
        await Expect(dialog.Locator(".field-error[data-field=title]")).ToHaveTextAsync("A title is required.", new() { Timeout = StaffBrowser.Slow });

        await page.GetByLabel("Title").FillAsync("Town hall");
        await page.GetByLabel("Attendees").FillAsync("9");
        await Expect(page.GetByLabel("Title")).ToHaveValueAsync("Town hall");
        await Expect(page.GetByLabel("Attendees")).ToHaveValueAsync("9");
        await dialog.GetByTestId("booking-submit").ClickAsync();

        await Expect(dialog.Locator(".field-error[data-field=attendeeCount]")).ToHaveTextAsync("9 attendees do not fit: the capacity is 4.",
            new() { Timeout = StaffBrowser.Slow });
        await Expect(dialog.Locator(".field-error[data-field=title]")).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await StaffBrowser.OpenAsync(page, "/bookings", "my-bookings");
        await Expect(page.GetByTestId("my-bookings").Locator("[role=progressbar]")).ToHaveCountAsync(0, new() { Timeout = StaffBrowser.Slow });
        await Expect(page.GetByTestId("booking-card").Filter(new() { HasText = "Town hall" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_conflict_offers_free_times_and_rooms_and_one_click_books_an_alternative()
    {
        await site.BookThroughApiAsync(StaffSite.Colleague, "Board prep", site.At("13:00", "14:00"), "Alder");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);

        // Free time just before the colleague's booking, for an hour: it runs into it.
        await StaffBrowser.OpenAsync(page, "/calendar?view=timeline&date=2027-03-01", "calendar");
        var alder = page.GetByTestId("timeline-row").Filter(new() { Has = page.GetByText("Alder", new() { Exact = true }) });
        await Expect(alder.GetByTestId("timeline-entry")).ToContainTextAsync("Board prep", new() { Timeout = StaffBrowser.Slow });
        await alder.Locator("[data-testid=timeline-cell][data-time='12:30']").ClickAsync();

        var dialog = page.GetByTestId("booking-form");
        await Expect(dialog).ToBeVisibleAsync(Visible);
        await page.GetByLabel("Title").FillAsync("Hiring panel");
        await page.GetByTestId("booking-submit").ClickAsync();

        var conflict = page.GetByTestId("conflict");
        await Expect(conflict).ToContainTextAsync("Alder is booked 13:00–14:00", new() { Timeout = StaffBrowser.Slow });
        await Expect(conflict.GetByTestId("suggested-slot").First).ToBeVisibleAsync();
        await Expect(conflict.GetByTestId("join-waitlist")).ToBeVisibleAsync();
        var birch = conflict.GetByTestId("alternative-resource").Filter(new() { HasText = "Birch" });
        await birch.ClickAsync();

        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("Booked", new() { Timeout = StaffBrowser.Slow });
        await Expect(dialog).ToBeHiddenAsync();
        var birchRow = page.GetByTestId("timeline-row").Filter(new() { Has = page.GetByText("Birch", new() { Exact = true }) });
        await Expect(birchRow.GetByTestId("timeline-entry").Filter(new() { HasText = "Hiring panel" })).ToBeVisibleAsync(Visible);
    }

    [Fact]
    public async Task Dragging_my_booking_onto_taken_time_lets_the_server_refuse_and_offers_a_way_out()
    {
        await site.BookThroughApiAsync(StaffSite.Staff, "Retro", site.At("17:00", "18:00"), "Alder");
        await site.BookThroughApiAsync(StaffSite.Colleague, "Interviews", site.At("18:30", "19:30"), "Alder");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        // Wide enough for the whole day, so both ends of the drag are on screen.
        await page.SetViewportSizeAsync(1440, 900);
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/calendar?view=timeline&date=2027-03-01", "calendar");
        var alder = page.GetByTestId("timeline-row").Filter(new() { Has = page.GetByText("Alder", new() { Exact = true }) });
        var retro = alder.GetByTestId("timeline-entry").Filter(new() { HasText = "Retro" });
        await Expect(retro).ToBeVisibleAsync(Visible);

        await StaffBrowser.DragAsync(page, retro, alder.Locator("[data-testid=timeline-cell][data-time='18:00']"));

        var conflict = page.GetByTestId("conflict");
        await Expect(conflict).ToContainTextAsync("Alder is booked 18:30–19:30", new() { Timeout = StaffBrowser.Slow });
        // Moving an existing booking offers other times and rooms, but no wait list.
        await Expect(conflict.GetByTestId("join-waitlist")).ToHaveCountAsync(0);
        await conflict.GetByTestId("alternative-resource").Filter(new() { HasText = "Birch" }).ClickAsync();

        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("Booking changed", new() { Timeout = StaffBrowser.Slow });
        var birch = page.GetByTestId("timeline-row").Filter(new() { Has = page.GetByText("Birch", new() { Exact = true }) });
        await Expect(birch.GetByTestId("timeline-entry").Filter(new() { HasText = "Retro" })).ToHaveAttributeAsync("title", new Regex("18:00–19:00"), new() { Timeout = StaffBrowser.Slow });
        await Expect(retro).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Dragging_my_booking_on_the_scheduler_moves_it_to_the_dropped_time()
    {
        await site.BookThroughApiAsync(StaffSite.Staff, "Stand-up", site.At("09:00", "09:30"), "Cedar");
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await page.SetViewportSizeAsync(1440, 900);
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/calendar?view=day&date=2027-03-01", "calendar");
        var standUp = page.GetByTestId("calendar-entry").Filter(new() { HasText = "Stand-up" });
        await Expect(standUp).ToBeVisibleAsync(Visible);

        // The day view runs from the venue's opening at 07:00 in half-hour slots: the seventeenth is 15:00.
        await StaffBrowser.DragAsync(page, standUp, page.Locator(".rz-slot").Nth(16));

        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("Booking moved", new() { Timeout = StaffBrowser.Slow });
        await Expect(standUp).ToHaveAttributeAsync("title", new Regex("15:00–15:30"), new() { Timeout = StaffBrowser.Slow });
    }

    [Fact]
    public async Task A_booking_made_through_the_api_appears_on_an_open_calendar_within_two_seconds()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/calendar?view=day&date=2027-03-01", "calendar");
        await Expect(page.GetByTestId("scheduler")).ToBeVisibleAsync(Visible);
        // The page's own first load must be over, or it could pick the booking up without any live update.
        await Expect(page.Locator(".calendar-progress [role=progressbar]")).ToHaveCountAsync(0, new() { Timeout = StaffBrowser.Slow });

        await site.BookThroughApiAsync(StaffSite.Colleague, "All-hands prep", site.At("16:00", "17:00"), "Cedar");
        var shown = Stopwatch.StartNew();

        await Expect(page.GetByTestId("calendar-entry").Filter(new() { HasText = "All-hands prep" })).ToBeVisibleAsync(new() { Timeout = 2000 });
        Assert.True(shown.Elapsed < TimeSpan.FromSeconds(2), $"appeared after {shown.Elapsed}");
    }

    [Fact]
    public async Task Staff_see_no_administration_and_cannot_open_admin_pages()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/", "home");

        await Expect(page.GetByRole(AriaRole.Navigation)).ToContainTextAsync("My bookings");
        await Expect(page.GetByText("Administration", new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(page.Locator("a[href^='/admin']")).ToHaveCountAsync(0);

        // Whether the admin pages exist yet or not, staff get a refusal, never their content.
        var response = await page.GotoAsync("/admin/users");
        await Expect(page.GetByTestId("access-denied").Or(page.GetByTestId("not-found"))).ToBeVisibleAsync(Visible);
        Assert.NotNull(response);
        Assert.Contains(response.Status, new[] { 200, 403, 404 });
    }

    [Fact]
    public async Task An_unknown_address_shows_the_friendly_not_found_page()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);

        var response = await page.GotoAsync("/no-such-page");

        Assert.Equal(404, response?.Status);
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync(Visible);
    }
}
