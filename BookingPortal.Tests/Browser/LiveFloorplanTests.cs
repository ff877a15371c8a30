using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Tests.Floorplan;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static BookingPortal.Tests.Browser.TwoInstances;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>
/// Floorplans, wall displays, the operator console and the plan editor in Chromium, with two app instances sharing one
/// database: whatever happens through one instance shows on screens served by the other. Each test uses rooms of its own.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveFloorplanTests(BrowserFixture browser, TwoInstances apps) : IClassFixture<TwoInstances>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Patiently = new() { Timeout = 15_000 };

    private static ILocator Shape(IPage editor, string name) => editor.Locator($"[data-testid=fpe-shape][data-name={name}]");

    /// <summary>Drags the middle of <paramref name="grip"/> by plan units (every test room is 15 units wide), in steps as a hand would.</summary>
    private static async Task DragAsync(IPage editor, ILocator grip, float right, float down)
    {
        var grab = (await grip.BoundingBoxAsync())!;
        var unit = (await grip.Locator("xpath=..").Locator(".fpe-body").BoundingBoxAsync())!.Width / 15;
        var (x, y) = (grab.X + grab.Width / 2, grab.Y + grab.Height / 2);
        await editor.Mouse.MoveAsync(x, y);
        await editor.Mouse.DownAsync();
        await editor.Mouse.MoveAsync(x + right * unit / 2, y + down * unit / 2, new() { Steps = 5 });
        await editor.Mouse.MoveAsync(x + right * unit, y + down * unit, new() { Steps = 5 });
        await editor.Mouse.UpAsync();
    }

    private async Task<BrowserPage> SignedInAsync(AppServer server, Actor actor, string path, string readyTestId)
    {
        var scope = await browser.NewPageAsync(server.BaseAddress);
        await SignInAsync(scope.Page, actor, path);
        await InteractiveAsync(scope.Page, readyTestId);
        return scope;
    }

    [Fact]
    public async Task A_booking_made_through_instance_A_recolours_the_floorplan_open_on_instance_B_within_a_second()
    {
        await using var scope = await SignedInAsync(apps.B, Olga, "/floorplan", "floorplan-page");
        var page = scope.Page;
        await Expect(Room(page, "Borealis")).ToHaveAttributeAsync("data-state", "Free");

        // The first change of a run pays for JIT compilation on both instances; the measured one must not.
        await apps.BookAsync(apps.A, "Cirrus", "10:00", "10:30");
        await Expect(Room(page, "Cirrus")).ToHaveAttributeAsync("data-state", "StartingSoon", Patiently);

        // BookAsync returns after the commit.
        await apps.BookAsync(apps.A, "Borealis", "09:50", "10:45", "Roadmap");

        await Expect(Room(page, "Borealis")).ToHaveAttributeAsync("data-state", "Occupied", new() { Timeout = 1_000 });
        await Expect(Room(page, "Borealis").GetByTestId("fp-state")).ToHaveTextAsync("Occupied until 10:45");
        await Expect(Room(page, "Borealis")).ToContainTextAsync("Now: Roadmap");
    }

    [Fact]
    public async Task An_event_stream_on_instance_B_receives_a_booking_made_through_instance_A()
    {
        await using var stream = await SseClient.OpenAsync(await apps.ApiAsync(apps.B, Olga), $"/api/events?locationId={apps.Venue.Location.Id}");

        var id = await apps.BookAsync(apps.A, "Echo", "11:00", "12:00", "Streamed");

        var created = await stream.NextAsync(e => e.Name == "booking.created" && e.Id == id);
        Assert.Equal("Streamed", created.Json.GetProperty("title").GetString());
        Assert.Equal("Confirmed", created.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_admin_creates_a_display_link_whose_display_shows_the_floor_and_goes_blank_when_revoked()
    {
        await apps.BookAsync(apps.A, "Fjord", "10:20", "11:00", "Board prep");
        await using var admin = await SignedInAsync(apps.A, Ada, "/admin/displays", "display-links-page");
        await admin.Page.GetByTestId("link-name").FillAsync("Lobby");
        await admin.Page.GetByTestId("create-link").ClickAsync();
        var url = await admin.Page.GetByTestId("created-link-url").InputValueAsync(new() { Timeout = 15_000 });
        Assert.StartsWith(apps.A.BaseAddress.ToString(), url);

        // The link works on any instance; this screen happens to be served by B, and nobody signs in on it.
        await using var screen = await browser.NewPageAsync(apps.B.BaseAddress);
        var display = screen.Page;
        await display.GotoAsync(url.Replace(apps.A.BaseAddress.ToString(), apps.B.BaseAddress.ToString()));
        await InteractiveAsync(display, "wall-display");
        await Expect(display).ToHaveTitleAsync("Wall display");
        await Expect(display.GetByTestId("display-clock")).ToHaveTextAsync("09:50");
        await Expect(display.GetByTestId("display-arrivals")).ToContainTextAsync("10:20Board prep · Fjord");
        await Expect(Room(display, "Fjord")).ToHaveAttributeAsync("data-state", "Free");

        await admin.Page.Locator("[data-testid=display-link][data-name=Lobby]").GetByTestId("revoke-link").ClickAsync();
        await admin.Page.Locator(".rz-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(display.GetByTestId("display-revoked")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await display.ReloadAsync();
        await Expect(display.GetByTestId("display-revoked")).ToContainTextAsync("not valid");
    }

    [Fact]
    public async Task A_display_signed_in_as_an_operator_cycles_through_the_floors()
    {
        // A second floor, sorted after the ground floor, with a room of its own.
        var upper = new Floor(Guid.CreateVersion7(), apps.Venue.Location.Id, "Upper", 1, 100, 60);
        await using (var db = await apps.Harness.Contexts.CreateDbContextAsync())
        {
            db.Floors.Add(upper);
            db.Resources.Add(new Resource(Guid.CreateVersion7(), apps.Venue.Location.Id, upper.Id, ResourceKind.Room, "Summit", 8, [],
                FloorplanShape.Rectangle(10, 10, 30, 20), BookingRules.Default));
            await db.SaveChangesAsync();
        }

        await using var scope = await SignedInAsync(apps.B, Olga, $"/display/{apps.Venue.Location.Id}?cycle=10", "wall-display");
        var floor = scope.Page.GetByTestId("display-floor");

        await Expect(floor).ToHaveTextAsync("Ground (1/2)");
        await Expect(floor).ToHaveTextAsync("Upper (2/2)", new() { Timeout = 20_000 });
        await Expect(Room(scope.Page, "Summit")).ToHaveAttributeAsync("data-state", "Free");
    }

    [Fact]
    public async Task The_operator_marks_a_no_show_checks_in_and_cancels_from_todays_arrivals()
    {
        var late = await apps.BookEarlierAsync("08:00", "Delta", "09:00", "10:00", "Late");
        var early = await apps.BookEarlierAsync("08:00", "Aurora", "09:45", "10:30", "Early");
        var later = await apps.BookAsync(apps.A, "Galaxy", "13:00", "14:00", "Later");
        await using var scope = await SignedInAsync(apps.B, Olga, "/operator", "operator-console");
        var page = scope.Page;
        ILocator Row(string title) => page.Locator($"[data-testid=arrival][data-title={title}]");

        await Row("Late").GetByTestId("op-no-show").ClickAsync();
        await Expect(Row("Late")).ToHaveAttributeAsync("data-status", "NoShow", Patiently);

        await Row("Early").GetByTestId("op-check-in").ClickAsync();
        await Expect(Row("Early")).ToHaveAttributeAsync("data-status", "CheckedIn", Patiently);

        await Row("Later").GetByTestId("op-cancel").ClickAsync();
        await page.Locator(".rz-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel booking" }).ClickAsync();
        await Expect(Row("Later")).ToHaveCountAsync(0, new() { Timeout = 15_000 });

        Assert.Equal(BookingStatus.NoShow, (await apps.Harness.LoadAsync(late)).Status);
        Assert.Equal(BookingStatus.CheckedIn, (await apps.Harness.LoadAsync(early)).Status);
        Assert.Equal(BookingStatus.Cancelled, (await apps.Harness.LoadAsync(later)).Status);
        Assert.Equal(Olga.UserId, (await apps.Harness.HistoryAsync(late))[^1].ActorId);
    }

    [Fact]
    public async Task An_operator_of_no_location_is_offered_no_arrivals_to_act_on()
    {
        var otto = TestData.Operator with { UserId = "otto", Email = "otto@live.test" };
        await apps.CreateUserAsync(otto);
        await using var scope = await browser.NewPageAsync(apps.B.BaseAddress);
        await SignInAsync(scope.Page, otto, "/operator");

        await Expect(scope.Page.GetByTestId("no-locations")).ToContainTextAsync("not an operator of any location", new() { Timeout = 15_000 });
        await Expect(scope.Page.GetByTestId("arrival")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Staff_check_in_to_their_booking_and_book_a_free_room_from_the_plan()
    {
        await apps.BookEarlierAsync("08:00", "Kestrel", "09:45", "10:30", "Standup");
        await using var scope = await SignedInAsync(apps.B, Alice, "/floorplan", "floorplan-page");
        var page = scope.Page;

        // The board may still be drawing its first state on a loaded machine; select the room once it shows the booking.
        await Expect(Room(page, "Kestrel")).Not.ToHaveAttributeAsync("data-state", "Free", Patiently);
        await Room(page, "Kestrel").ClickAsync();
        await page.GetByTestId("check-in").ClickAsync();
        await Expect(page.GetByTestId("fp-outcome")).ToContainTextAsync("Checked in “Standup”", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("fp-details")).ToContainTextAsync("Checked in");

        await Room(page, "Horizon").ClickAsync();
        await page.GetByTestId("book-title").FillAsync("Focus time");
        await page.GetByTestId("book").ClickAsync();

        await Expect(page.GetByTestId("fp-outcome")).ToContainTextAsync("Booked Horizon from 10:00 for 60 minutes", new() { Timeout = 15_000 });
        await Expect(Room(page, "Horizon")).ToHaveAttributeAsync("data-state", "StartingSoon", Patiently);
        await Expect(Room(page, "Horizon").GetByTestId("fp-state")).ToHaveTextAsync("Booked from 10:00");
    }

    [Fact]
    public async Task An_admin_resizes_a_shape_by_its_corner_and_puts_a_picture_under_the_plan()
    {
        await using var viewer = await SignedInAsync(apps.B, Olga, "/floorplan", "floorplan-page");
        await using var editor = await SignedInAsync(apps.A, Ada, $"/admin/floors/{apps.Venue.Floors[0].Id}/plan", "plan-editor");
        var page = editor.Page;

        // Juniper sits at (50.5, 32), 15 × 26 on a 10-unit grid; pulling its corner 4 units left and 10 up ends it at (60, 50).
        await DragAsync(page, Shape(page, "Juniper").GetByTestId("fpe-handle"), -4, -10);

        await Expect(Room(viewer.Page, "Juniper")).ToHaveAttributeAsync("data-shape", "50.5,32,9.5,18", Patiently);

        await page.GetByTestId("background-file").SetInputFilesAsync(new FilePayload { Name = "plan.png", MimeType = "image/png", Buffer = FloorplanEditingTests.TinyPng });

        var picture = viewer.Page.Locator("[data-testid=floorplan] image");
        await Expect(picture).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        var href = (await picture.GetAttributeAsync("href"))!;
        using var anonymous = apps.B.CreateClient();
        var served = await anonymous.GetAsync(href);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(FloorplanEditingTests.TinyPng, await served.Content.ReadAsByteArrayAsync());
        Assert.Contains("immutable", served.Headers.CacheControl?.ToString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await anonymous.GetAsync(href[..^4] + "0000")).StatusCode);
    }

    [Fact]
    public async Task An_admin_drags_and_renames_a_shape_and_an_open_floorplan_on_the_other_instance_follows()
    {
        await using var viewer = await SignedInAsync(apps.B, Olga, "/floorplan", "floorplan-page");
        await using var editor = await SignedInAsync(apps.A, Ada, $"/admin/floors/{apps.Venue.Floors[0].Id}/plan", "plan-editor");
        var page = editor.Page;

        // Lumen sits at (83.5, 32), 15 × 26; thirty units to the left on a 10-unit grid lands at (50, 30).
        await DragAsync(page, Shape(page, "Lumen").Locator(".fpe-body"), -30, 0);

        await Expect(page.GetByTestId("editor-message")).ToContainTextAsync("Saved where Lumen is", new() { Timeout = 15_000 });
        await Expect(Room(viewer.Page, "Lumen")).ToHaveAttributeAsync("data-shape", "50,30,15,26", Patiently);
        await using (var db = await apps.Harness.Contexts.CreateDbContextAsync())
        {
            var shape = await db.Resources.Where(r => r.Id == apps.Venue["Lumen"].Id).Select(r => r.Shape).SingleAsync();
            Assert.Equal(FloorplanShape.Rectangle(50, 30, 15, 26), shape);
        }

        await page.GetByTestId("fpe-name").FillAsync("Lumen Lounge");
        await page.GetByTestId("fpe-rename").ClickAsync();

        await Expect(Room(viewer.Page, "Lumen Lounge")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
    }
}
