using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser.Admin;

/// <summary>An admin sets up an office in another time zone from the browser, and staff bookings follow its rules at once.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LocationSetupTests(BrowserFixture browser, AdminApp app) : IClassFixture<AdminApp>
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>A Wednesday at least a week ahead, on New York's calendar.</summary>
    private static DateOnly NextWednesday()
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, NewYork).DateTime).AddDays(7);
        while (day.DayOfWeek != DayOfWeek.Wednesday)
        {
            day = day.AddDays(1);
        }

        return day;
    }

    private static DateTimeOffset InNewYork(DateOnly day, string time) =>
        BookingPortal.Domain.Locations.Location.ToUtc(NewYork, day, TimeOnly.Parse(time));

    [Fact]
    public async Task An_office_in_New_York_with_a_lunch_break_takes_bookings_only_while_open_and_a_block_cancels_what_it_collides_with()
    {
        var name = $"Harbour {Guid.NewGuid():N}"[..14];
        var room = $"{name} Room";
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;
        await AdminApp.SignInAsync(page, AdminApp.AdminEmail, "/admin/locations");
        await AdminApp.OpenAsync(page, "/admin/locations", "admin-locations");

        // A location in New York, open 08:00-12:00 and 13:00-18:00 on weekdays.
        await page.GetByTestId("new-location").ClickAsync();
        await page.GetByTestId("location-name").FillAsync(name);
        await page.GetByTestId("location-zone").ClickAsync();
        await page.Locator(".rz-dropdown-filter:visible").FillAsync("New_York");
        await page.Locator(".rz-dropdown-item:visible", new() { HasText = "America/New_York" }).ClickAsync();
        var monday = page.GetByTestId("hours-Monday");
        await monday.GetByTestId("closes").FillAsync("12:00");
        await monday.GetByTestId("add-interval").ClickAsync();
        await monday.GetByTestId("opens").Nth(1).FillAsync("13:00");
        await monday.GetByTestId("closes").Nth(1).FillAsync("18:00");
        await page.GetByTestId("copy-monday").ClickAsync();
        await Expect(page.GetByTestId("hours-Wednesday").GetByTestId("interval")).ToHaveCountAsync(2);
        await page.GetByTestId("save-location").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"{name} was created", new() { Timeout = AdminApp.Slow });

        // ... with a floor ...
        await page.GetByTestId("add-floor").ClickAsync();
        await page.GetByTestId("floor-name").FillAsync("Ground");
        await page.GetByTestId("save-floor").ClickAsync();
        await Expect(page.GetByTestId("floor-row")).ToContainTextAsync("Ground");

        // ... and a room on it.
        await AdminApp.OpenAsync(page, "/admin/resources", "admin-resources");
        await AdminApp.ChooseLocationAsync(page, name);
        await page.GetByTestId("new-resource").ClickAsync();
        await page.GetByTestId("resource-name").FillAsync(room);
        await page.GetByTestId("save-resource").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"{room} was created");
        await Expect(page.GetByTestId("resources-grid")).ToContainTextAsync(room);

        // Staff book through the API: refused before opening and over lunch, with the reason; accepted while open.
        using var staff = await app.ApiAsync(AdminApp.StaffEmail);
        var resources = await staff.GetFromJsonAsync<JsonElement>("/api/resources?kind=Room");
        var roomId = resources.EnumerateArray().Single(r => r.GetProperty("name").GetString() == room).GetProperty("id").GetGuid();
        var day = NextWednesday();
        foreach (var (from, to) in new[] { ("07:00", "08:00"), ("11:30", "12:30") })
        {
            var refused = await staff.PostAsJsonAsync("/api/bookings",
                new { resourceIds = new[] { roomId }, start = InNewYork(day, from), end = InNewYork(day, to), title = "Too early" });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("is not open", problem.GetProperty("errors").GetProperty("start")[0].GetString());
            Assert.Contains("America/New_York", problem.GetProperty("errors").GetProperty("start")[0].GetString());
        }

        var accepted = await staff.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { roomId }, start = InNewYork(day, "09:00"), end = InNewYork(day, "10:00"), title = "Harbour kickoff" });
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        var bookingId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // The admin blocks the room over it: the collision is shown, nothing is blocked until the admin decides.
        await page.Locator("tr", new() { HasText = room }).GetByTestId("block-resource").ClickAsync();
        await FillDateTimeAsync(page.GetByTestId("maintenance-start"), $"{day:yyyy-MM-dd} 09:30");
        await FillDateTimeAsync(page.GetByTestId("maintenance-end"), $"{day:yyyy-MM-dd} 11:00");
        await page.GetByTestId("maintenance-reason").FillAsync("Water leak");
        await page.GetByTestId("place-block").ClickAsync();
        await Expect(page.GetByTestId("collisions")).ToContainTextAsync("Nothing was blocked");
        await Expect(page.GetByTestId("collision")).ToContainTextAsync("Harbour kickoff");
        await Expect(page.GetByTestId("collision")).ToContainTextAsync(AdminApp.StaffEmail);
        Assert.Empty(await page.GetByTestId("block").AllAsync());

        // A reason is required before anyone's booking is cancelled.
        await page.GetByTestId("cancel-and-block").ClickAsync();
        await Expect(page.GetByTestId("error-cancellationReason")).ToBeVisibleAsync();
        await page.GetByTestId("cancellation-reason").FillAsync("The room is flooded");
        await page.GetByTestId("cancel-and-block").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"Blocked {room}");
        await Expect(page.GetByTestId("block")).ToContainTextAsync("Water leak");

        var booking = await staff.GetFromJsonAsync<JsonElement>($"/api/bookings/{bookingId}");
        Assert.Equal("Cancelled", booking.GetProperty("status").GetString());
        var history = await staff.GetFromJsonAsync<JsonElement>($"/api/bookings/{bookingId}/history");
        Assert.Contains(history.EnumerateArray(), h => h.GetProperty("action").GetString() == "cancelled"
            && h.GetProperty("detail").GetString() == "The room is flooded");
        var inbox = await staff.GetFromJsonAsync<JsonElement>("/api/notifications");
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), n => n.GetProperty("bookingId").GetGuid() == bookingId
            && n.GetProperty("message").GetString()!.Contains("The room is flooded", StringComparison.Ordinal));
    }

    /// <summary>Types into a Radzen date picker as a keyboard user would; it reads the text when the field loses focus.</summary>
    private static async Task FillDateTimeAsync(ILocator picker, string text)
    {
        var input = picker.Locator("input").First;
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }
}
