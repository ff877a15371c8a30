using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser.Admin;

[Collection(BrowserCollection.Name)]
public sealed class ApprovalsAndAccessTests(BrowserFixture browser, AdminApp app) : IClassFixture<AdminApp>
{
    private static readonly string[] AdminPages = ["/admin/locations", "/admin/resources", "/admin/approvals", "/admin/users", "/admin/audit"];

    /// <summary>A Berlin office open around the clock with one room that needs approval.</summary>
    private async Task<Guid> BoardroomAsync()
    {
        var (location, floor) = await app.OfficeAsync("Approvals", "Europe/Berlin");
        var room = await app.Service<ResourceAdministration>().CreateAsync(
            new ResourceDefinition(location.Id, floor.Id, ResourceKind.Room, $"{location.Name} Board", 12, RequiresApproval: true));
        return Assert.IsType<AdminResult<ResourceView>.Ok>(room).Value.Id;
    }

    private static async Task<Guid> RequestAsync(HttpClient staff, Guid roomId, int daysAhead, string title)
    {
        var start = DateTimeOffset.UtcNow.Date.AddDays(daysAhead).AddHours(9);
        var response = await staff.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { roomId }, start = new DateTimeOffset(start, TimeSpan.Zero), end = new DateTimeOffset(start.AddHours(1), TimeSpan.Zero), title });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booking = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("AwaitingApproval", booking.GetProperty("status").GetString());
        return booking.GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_request_for_an_approval_room_appears_in_the_open_queue_by_itself_and_is_approved_or_rejected_with_a_reason()
    {
        var roomId = await BoardroomAsync();
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;
        await AdminApp.SignInAsync(page, AdminApp.AdminEmail, "/admin/approvals");
        await AdminApp.OpenAsync(page, "/admin/approvals", "admin-approvals");

        using var staff = await app.ApiAsync(AdminApp.StaffEmail);
        var approved = await RequestAsync(staff, roomId, 3, "Board meeting");
        var rejected = await RequestAsync(staff, roomId, 4, "Party planning");

        // No reload: the page hears of the new requests through the live updates.
        var first = page.Locator($"[data-booking-id='{approved}']");
        var second = page.Locator($"[data-booking-id='{rejected}']");
        await Expect(first).ToContainTextAsync("Board meeting", new() { Timeout = AdminApp.Slow });
        await Expect(first).ToContainTextAsync(AdminApp.StaffEmail);
        await Expect(second).ToContainTextAsync("Party planning");

        await first.GetByTestId("approve").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("Approved: Board meeting");
        await Expect(first).ToHaveCountAsync(0);

        await second.GetByTestId("reject").ClickAsync();
        await second.GetByTestId("reject-reason").FillAsync("The board needs it that day");
        await second.GetByTestId("confirm-reject").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("Rejected: Party planning");
        await Expect(second).ToHaveCountAsync(0);

        Assert.Equal("Confirmed", (await staff.GetFromJsonAsync<JsonElement>($"/api/bookings/{approved}")).GetProperty("status").GetString());
        Assert.Equal("Rejected", (await staff.GetFromJsonAsync<JsonElement>($"/api/bookings/{rejected}")).GetProperty("status").GetString());
        var history = await staff.GetFromJsonAsync<JsonElement>($"/api/bookings/{rejected}/history");
        Assert.Contains(history.EnumerateArray(), h => h.GetProperty("detail").GetString() == "The board needs it that day");
    }

    [Fact]
    public async Task A_series_awaiting_approval_is_approved_whole_with_one_click()
    {
        var roomId = await BoardroomAsync();
        using var staff = await app.ApiAsync(AdminApp.StaffEmail);
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(2).AddHours(13), TimeSpan.Zero);
        var response = await staff.PostAsJsonAsync("/api/bookings", new
        {
            resourceIds = new[] { roomId }, start, end = start.AddHours(1), title = "Steering group",
            recurrence = new { frequency = "weekly", count = 3 },
        });
        Assert.True(HttpStatusCode.Created == response.StatusCode, await response.Content.ReadAsStringAsync());
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookings").EnumerateArray()
            .Select(b => b.GetProperty("id").GetGuid()).ToList();
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;
        await AdminApp.SignInAsync(page, AdminApp.AdminEmail, "/admin/approvals");
        await AdminApp.OpenAsync(page, "/admin/approvals", "admin-approvals");

        var first = page.Locator($"[data-booking-id='{ids[0]}']");
        await Expect(first.GetByTestId("series-waiting")).ToContainTextAsync("3 of its occurrences await approval", new() { Timeout = AdminApp.Slow });
        await first.GetByTestId("approve-series").ClickAsync();

        await Expect(page.GetByTestId("notice")).ToContainTextAsync("Approved: Steering group, every waiting occurrence");
        foreach (var id in ids)
        {
            await Expect(page.Locator($"[data-booking-id='{id}']")).ToHaveCountAsync(0);
            Assert.Equal("Confirmed", (await staff.GetFromJsonAsync<JsonElement>($"/api/bookings/{id}")).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Staff_reach_no_admin_page_and_no_admin_endpoint()
    {
        var roomId = await BoardroomAsync();
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;
        await AdminApp.SignInAsync(page, AdminApp.StaffEmail, "/");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Locations" })).ToHaveCountAsync(0);
        foreach (var path in AdminPages)
        {
            await page.GotoAsync(path);
            await Expect(page.GetByTestId("access-denied")).ToContainTextAsync("This page is not for your role", new() { Timeout = AdminApp.Slow });
        }

        using var staff = await app.ApiAsync(AdminApp.StaffEmail);
        var booking = await RequestAsync(staff, roomId, 5, "Mine");
        var start = DateTimeOffset.UtcNow.AddDays(20);
        var calls = new (string Name, Task<HttpResponseMessage> Call)[]
        {
            ("create resource", staff.PostAsJsonAsync("/api/resources", new { name = "Sneaky", kind = "Room", capacity = 2 })),
            ("update resource", staff.PutAsJsonAsync($"/api/resources/{roomId}", new { name = "Sneaky", kind = "Room", capacity = 2 })),
            ("deactivate resource", staff.DeleteAsync($"/api/resources/{roomId}")),
            ("block", staff.PostAsJsonAsync($"/api/resources/{roomId}/blocks", new { start, end = start.AddHours(1), reason = "Mine" })),
            ("approve", staff.PostAsync($"/api/bookings/{booking}/approve", null)),
            ("reject", staff.PostAsJsonAsync($"/api/bookings/{booking}/reject", new { reason = "No" })),
            ("process pending", staff.PostAsync("/api/bookings/process-pending", null)),
        };
        foreach (var (name, call) in calls)
        {
            Assert.True((await call).StatusCode == HttpStatusCode.Forbidden, $"{name} should be forbidden to staff");
        }

        Assert.Equal("AwaitingApproval", (await staff.GetFromJsonAsync<JsonElement>($"/api/bookings/{booking}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Signed_out_visitors_are_sent_to_sign_in_from_admin_pages()
    {
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;

        await page.GotoAsync("/admin/users");

        await Expect(page).ToHaveURLAsync(new Regex("/account/login\\?returnUrl=%2Fadmin%2Fusers", RegexOptions.IgnoreCase), new() { Timeout = AdminApp.Slow });
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }
}
