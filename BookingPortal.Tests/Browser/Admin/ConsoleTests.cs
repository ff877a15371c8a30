using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser.Admin;

/// <summary>Users and roles, the audit trail and bulk creation, as an admin uses them in the browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleTests(BrowserFixture browser, AdminApp app) : IClassFixture<AdminApp>
{
    private static async Task<HttpStatusCode> SignInStatusAsync(HttpClient client, string email, string password) =>
        (await client.PostAsJsonAsync("/api/auth/login", new { email, password })).StatusCode;

    [Fact]
    public async Task An_admin_creates_a_user_with_a_password_shown_once_makes_them_an_operator_locks_them_and_cannot_drop_their_own_admin_role()
    {
        var email = $"new-{Guid.NewGuid():N}"[..12] + "@admin.test";
        var (office, _) = await app.OfficeAsync("Pier", "Europe/Lisbon");
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;
        await AdminApp.SignInAsync(page, AdminApp.AdminEmail, "/admin/users");
        await AdminApp.OpenAsync(page, "/admin/users", "admin-users");

        await page.GetByTestId("new-user").ClickAsync();
        await page.GetByTestId("new-user-email").FillAsync(email);
        await page.GetByTestId("new-user-name").FillAsync("Nova New");
        await page.GetByTestId("create-user").ClickAsync();
        var password = await page.GetByTestId("generated-password").TextContentAsync(new() { Timeout = AdminApp.Slow });
        using var anonymous = app.Server.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(anonymous, email, password!));

        await page.GetByTestId("user-search").FillAsync(email);
        await page.GetByTestId("user-search").PressAsync("Enter");
        await Expect(page.GetByTestId("manage-user")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("users-grid")).ToContainTextAsync("Nova New");
        await Expect(page.GetByTestId("users-grid")).ToContainTextAsync("Staff");
        await page.GetByTestId("manage-user").ClickAsync();
        await page.GetByTestId("manage-form").GetByTestId("role-Operator").ClickAsync();
        await page.GetByTestId("operator-locations").ClickAsync();
        await page.Locator("li:visible", new() { HasText = office.Name }).ClickAsync();
        await page.GetByTestId("save-user").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"{email} was saved");
        await Expect(page.GetByTestId("users-grid")).ToContainTextAsync("Staff, Operator");
        var nova = (await app.Service<UserAdministration>().SearchAsync(email)).Items.Single();
        Assert.Equal([office.Id], await app.Service<OperatorAssignments>().GetAsync(nova.Id));

        await page.GetByTestId("lock-user").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync($"{email} is locked");
        await Expect(page.GetByTestId("users-grid")).ToContainTextAsync("Locked");
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync(anonymous, email, password!));

        await page.GetByTestId("user-search").FillAsync(AdminApp.AdminEmail);
        await page.GetByTestId("user-search-button").ClickAsync();
        await Expect(page.GetByTestId("manage-user")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("users-grid")).Not.ToContainTextAsync(email);
        await page.GetByTestId("manage-user").ClickAsync();
        await page.GetByTestId("manage-form").GetByTestId("role-Admin").ClickAsync();
        await page.GetByTestId("save-user").ClickAsync();
        await Expect(page.GetByTestId("error-roles")).ToContainTextAsync("cannot remove your own admin role");
        await Expect(page.GetByTestId("users-grid")).ToContainTextAsync("Staff, Admin");
    }

    [Fact]
    public async Task The_audit_finds_who_did_what_to_a_booking_by_the_resource_name()
    {
        var (location, floor) = await app.OfficeAsync("Office", "Asia/Tokyo");
        var room = Assert.IsType<AdminResult<ResourceView>.Ok>(await app.Service<ResourceAdministration>().CreateAsync(
            new ResourceDefinition(location.Id, floor.Id, ResourceKind.Room, $"{location.Name} Zen", 4))).Value;
        using var staff = await app.ApiAsync(AdminApp.StaffEmail);
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(2).AddHours(3), TimeSpan.Zero);
        var created = await staff.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room.Id }, start, end = start.AddHours(1), title = "Tea ceremony" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await staff.PostAsJsonAsync($"/api/bookings/{id}/cancel", new { reason = "Out of matcha" })).EnsureSuccessStatusCode();
        var cancelledAt = (await staff.GetFromJsonAsync<JsonElement>($"/api/bookings/{id}/history")).EnumerateArray()
            .Single(h => h.GetProperty("action").GetString() == "cancelled").GetProperty("at").GetDateTimeOffset();

        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;
        await AdminApp.SignInAsync(page, AdminApp.AdminEmail, "/admin/audit");
        await AdminApp.OpenAsync(page, "/admin/audit", "admin-audit");
        await page.GetByTestId("audit-search").FillAsync(room.Name);
        await page.GetByTestId("audit-search").PressAsync("Enter");

        var rows = page.GetByTestId("audit-grid").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2, new() { Timeout = AdminApp.Slow });
        await Expect(rows.First).ToContainTextAsync("cancelled");
        await Expect(rows.First).ToContainTextAsync("Out of matcha");
        await Expect(rows.First).ToContainTextAsync(AdminApp.StaffEmail);
        await Expect(rows.First).ToContainTextAsync(LocalTimeOf(cancelledAt, location.TimeZone, "yyyy-MM-dd HH:mm"));
        await Expect(rows.Nth(1)).ToContainTextAsync("created");
        await Expect(rows.Nth(1)).ToContainTextAsync("Tea ceremony");
    }

    [Fact]
    public async Task Twelve_desks_are_created_at_once_each_on_a_free_spot_of_the_floor()
    {
        var (location, floor) = await app.OfficeAsync("Office", "Asia/Tokyo");
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;
        await AdminApp.SignInAsync(page, AdminApp.AdminEmail, "/admin/resources");
        await AdminApp.OpenAsync(page, "/admin/resources", "admin-resources");
        await AdminApp.ChooseLocationAsync(page, location.Name);

        await page.GetByTestId("bulk-resources").ClickAsync();
        await page.GetByTestId("bulk-to").Locator("input").FillAsync("12");
        await page.GetByTestId("bulk-features").FillAsync("monitor");
        await Expect(page.GetByTestId("bulk-preview")).ToContainTextAsync("Creates 12: Desk 1, Desk 2 … Desk 12");
        await page.GetByTestId("bulk-create").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("Created 12: Desk 1 to Desk 12");
        await Expect(page.GetByTestId("resources-grid").Locator("tbody tr")).ToHaveCountAsync(12);

        // Asking again is refused inline, naming what exists, and creates nothing.
        await page.GetByTestId("bulk-resources").ClickAsync();
        await page.GetByTestId("bulk-from").Locator("input").FillAsync("10");
        await page.GetByTestId("bulk-to").Locator("input").FillAsync("14");
        await page.GetByTestId("bulk-create").ClickAsync();
        await Expect(page.GetByTestId("error-prefix")).ToContainTextAsync("Already at this location: Desk 10, Desk 11, Desk 12");

        var desks = await app.Service<ResourceCatalog>().ResourcesAsync(new ResourceFilter(LocationId: location.Id));
        Assert.Equal(12, desks.Count);
        Assert.All(desks, d => Assert.Equal((ResourceKind.Desk, floor.Id, "monitor"), (d.Kind, d.FloorId, Assert.Single(d.Features))));
        Assert.Equal(12, desks.Select(d => (d.Shape.X, d.Shape.Y)).Distinct().Count());
    }

    private static string LocalTimeOf(DateTimeOffset instant, string zone, string format) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(zone)).ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
