using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Tests.Api;
using BookingPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Calendars.Sync;

/// <summary>The app with the scheduler running, its push woken by the outbox, pulls every second, and one in-memory calendar service.</summary>
public sealed class CalendarPushFixture : ApiFixture
{
    public InMemoryCalendarProvider Calendars { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => SyncTestRooms.FastSyncSettings(base.Settings);

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ICalendarProvider>(Calendars);
}

public class CalendarPushTests(CalendarPushFixture api) : IClassFixture<CalendarPushFixture>
{
    private static readonly DateOnly Monday = new(2027, 3, 1);
    private static int _slot;

    private InMemoryCalendarProvider Calendars => api.Calendars;

    private (DateTimeOffset Start, DateTimeOffset End) FreshSlot()
    {
        var n = Interlocked.Increment(ref _slot);
        var range = api.Venue.At(Monday.AddDays(1 + n / 8), $"{8 + n % 8:00}:00", $"{8 + n % 8:00}:45");
        return (range.Start, range.End);
    }

    /// <summary>A room of its own, linked to a calendar of its own, so tests sharing the database never meet.</summary>
    private async Task<(Guid Room, string Calendar)> LinkedRoomAsync()
    {
        var room = await FreshRoomAsync();
        var calendar = $"room-{room:N}@rooms.test";
        Calendars.AddCalendar(calendar, "Test room");
        using var ada = api.As(ApiFixture.Ada);
        var linked = await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "Google", calendarId = calendar });
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        return (room, calendar);
    }

    private Task<Guid> FreshRoomAsync() => SyncTestRooms.FreshRoomAsync(api);

    private async Task<Guid> BookAsync(Guid room, (DateTimeOffset Start, DateTimeOffset End) slot, string title = "Planning")
    {
        using var alice = api.As(ApiFixture.Alice);
        var response = await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> StatusOfAsync(Guid room)
    {
        using var ada = api.As(ApiFixture.Ada);
        var all = await ada.GetFromJsonAsync<JsonElement>("/api/sync/status");
        return all.EnumerateArray().Single(s => s.GetProperty("resourceId").GetGuid() == room);
    }

    private Task EventuallyAsync(Func<bool> condition, string what) =>
        Eventually.HoldsAsync(() => Task.FromResult(condition()), what, TimeSpan.FromSeconds(30));

    private async Task PatchAsync(Guid booking, object body)
    {
        using var alice = api.As(ApiFixture.Alice);
        var response = await alice.PatchAsJsonAsync($"/api/bookings/{booking}", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_booking_on_a_linked_room_appears_there_once_and_follows_every_change()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var slot = FreshSlot();

        var booking = await BookAsync(room, slot, "Quarterly review");

        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 1, "the booking is in the room's calendar");
        var pushed = Calendars.EventsIn(calendar).Single().Outgoing;
        Assert.Equal(("Quarterly review", slot.Start, slot.End, ApiFixture.Alice.Email, booking),
            (pushed.Title, pushed.StartUtc, pushed.EndUtc, pushed.OwnerEmail, pushed.BookingId));
        Assert.Equal(api.Venue.Location.TimeZoneId, pushed.TimeZone);

        var later = (slot.Start.AddMinutes(15), slot.End.AddMinutes(30));
        await PatchAsync(booking, new { start = later.Item1, end = later.Item2, title = "Quarterly review (moved)" });
        await EventuallyAsync(() => Calendars.EventsIn(calendar) is [{ Outgoing.Title: "Quarterly review (moved)" } moved]
                                    && moved.Outgoing.StartUtc == later.Item1 && moved.Outgoing.EndUtc == later.Item2,
            "the event moved with the booking");

        using (var alice = api.As(ApiFixture.Alice))
        {
            Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync($"/api/bookings/{booking}/cancel", new { reason = "not needed" })).StatusCode);
        }

        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 0, "the cancelled booking's event is deleted");
        await Eventually.HoldsAsync(async () => (await StatusOfAsync(room)).GetProperty("pendingOutbox").GetInt64() == 0, "the outbox is empty");
        var status = await StatusOfAsync(room);
        Assert.Equal("active", status.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.String, status.GetProperty("lastPushAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastError").ValueKind);
    }

    [Fact]
    public async Task A_booking_moved_to_an_unlinked_room_leaves_the_calendar()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var other = await FreshRoomAsync();
        var booking = await BookAsync(room, FreshSlot());
        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 1, "the booking is pushed");

        await PatchAsync(booking, new { resourceIds = new[] { other } });

        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 0, "the event left the room it no longer holds");
    }

    [Fact]
    public async Task Linking_pushes_the_rooms_future_bookings_and_unlinking_deletes_them_there()
    {
        var room = await FreshRoomAsync();
        var first = await BookAsync(room, FreshSlot(), "Before the link 1");
        await BookAsync(room, FreshSlot(), "Before the link 2");
        var calendar = $"room-{room:N}@rooms.test";
        Calendars.AddCalendar(calendar, "Linked late");
        using var ada = api.As(ApiFixture.Ada);

        Assert.Equal(HttpStatusCode.OK, (await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "google", calendarId = calendar })).StatusCode);
        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 2, "both bookings are pushed");
        Assert.Contains(Calendars.EventsIn(calendar), e => e.Outgoing.BookingId == first);

        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/api/resources/{room}/calendar-link")).StatusCode);
        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 0, "the events of the unlinked room are deleted");
        Assert.Equal(HttpStatusCode.NotFound, (await ada.DeleteAsync($"/api/resources/{room}/calendar-link")).StatusCode);
        Assert.DoesNotContain((await ada.GetFromJsonAsync<JsonElement>("/api/sync/status")).EnumerateArray(),
            s => s.GetProperty("resourceId").GetGuid() == room);
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_makes_one_event()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var createsBefore = Calendars.Creates;
        Calendars.LoseNextCreateAnswer();

        var booking = await BookAsync(room, FreshSlot());

        await Eventually.HoldsAsync(async () => Calendars.Creates >= createsBefore + 2 && (await StatusOfAsync(room)).GetProperty("pendingOutbox").GetInt64() == 0,
            "the lost create was sent again and settled", TimeSpan.FromSeconds(30));
        Assert.Equal(booking, Assert.Single(Calendars.EventsIn(calendar)).Outgoing.BookingId);
    }

    [Fact]
    public async Task A_throttled_calendar_is_tried_again_and_shows_its_error_meanwhile()
    {
        var (room, calendar) = await LinkedRoomAsync();
        Calendars.FailNext(new CalendarSyncException(CalendarSyncFailure.Throttled, "Too many requests.", TimeSpan.FromSeconds(3)));

        await BookAsync(room, FreshSlot());

        await Eventually.HoldsAsync(async () => (await StatusOfAsync(room)).GetProperty("lastError").GetString()?.Contains("Too many requests") == true,
            "the link shows why it is behind", TimeSpan.FromSeconds(30));
        var behind = await StatusOfAsync(room);
        Assert.Equal(("syncing", 1), (behind.GetProperty("state").GetString(), behind.GetProperty("pendingOutbox").GetInt64()));
        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 1, "the booking is delivered after the wait");
        await Eventually.HoldsAsync(async () => (await StatusOfAsync(room)).GetProperty("lastError").ValueKind == JsonValueKind.Null,
            "the error clears after the next success");
    }

    [Fact]
    public async Task Revoked_credentials_mark_the_link_and_keep_the_change_until_it_is_linked_again()
    {
        var (room, calendar) = await LinkedRoomAsync();
        Calendars.CredentialsRevoked = true;
        try
        {
            await BookAsync(room, FreshSlot());
            await Eventually.HoldsAsync(async () => (await StatusOfAsync(room)).GetProperty("state").GetString() == "needs-attention",
                "the link needs attention", TimeSpan.FromSeconds(30));
            var status = await StatusOfAsync(room);
            Assert.Equal(1, status.GetProperty("pendingOutbox").GetInt64());
            Assert.Contains("revoked", status.GetProperty("lastError").GetString());

            using var ada = api.As(ApiFixture.Ada);
            var refused = await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "google", calendarId = calendar });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("revoked", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        finally
        {
            Calendars.CredentialsRevoked = false;
        }

        using (var ada = api.As(ApiFixture.Ada))
        {
            Assert.Equal(HttpStatusCode.OK, (await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "google", calendarId = calendar })).StatusCode);
        }

        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 1, "the kept change is delivered once the link is fixed");
    }

    [Fact]
    public async Task An_event_deleted_there_comes_back_while_the_booking_holds_the_room()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var booking = await BookAsync(room, FreshSlot(), "Keep me");
        await EventuallyAsync(() => Calendars.EventsIn(calendar).Count == 1, "the booking is pushed");
        Calendars.DeleteDirectly(Calendars.EventsIn(calendar).Single().Id);

        await PatchAsync(booking, new { title = "Keep me, renamed" });

        await EventuallyAsync(() => Calendars.EventsIn(calendar) is [{ Outgoing.Title: "Keep me, renamed" }], "the event is made again");
    }

    [Fact]
    public async Task Parallel_bookings_on_linked_rooms_are_each_pushed_once()
    {
        var rooms = new[] { await LinkedRoomAsync(), await LinkedRoomAsync() };
        var day = Monday.AddDays(60);

        var bookings = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            var (room, _) = rooms[i % 2];
            var range = api.Venue.At(day, $"{8 + i / 2:00}:00", $"{8 + i / 2:00}:30");
            return await BookAsync(room, (range.Start, range.End), $"Parallel {i}");
        }));

        await EventuallyAsync(() => rooms.Sum(r => Calendars.EventsIn(r.Calendar).Count) == bookings.Length, "every booking is in its room's calendar");
        var pushed = rooms.SelectMany(r => Calendars.EventsIn(r.Calendar)).Select(e => e.Outgoing.BookingId).ToList();
        Assert.Equal(bookings.Order(), pushed.Order());
    }

    [Fact]
    public async Task Linking_refuses_what_cannot_be_synced_and_stores_nothing()
    {
        var room = await FreshRoomAsync();
        using var ada = api.As(ApiFixture.Ada);

        var badProvider = await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "exchange2010", calendarId = "a@b.test" });
        var noCalendar = await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "google", calendarId = " " });
        var unknownCalendar = await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "google", calendarId = "nobody@rooms.test" });
        var notConfigured = await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "microsoft", calendarId = "room@contoso.test" });
        var unknownRoom = await ada.PutAsJsonAsync($"/api/resources/{Guid.NewGuid()}/calendar-link", new { provider = "google", calendarId = "x@rooms.test" });
        using var alice = api.As(ApiFixture.Alice);
        var notAdmin = await alice.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider = "google", calendarId = "x@rooms.test" });

        Assert.Equal(HttpStatusCode.BadRequest, badProvider.StatusCode);
        Assert.True((await badProvider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("provider", out _));
        Assert.Equal(HttpStatusCode.BadRequest, noCalendar.StatusCode);
        Assert.True((await noCalendar.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("calendarId", out _));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownCalendar.StatusCode);
        Assert.Contains("nobody@rooms.test", (await unknownCalendar.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notConfigured.StatusCode);
        Assert.Contains("Sync:Microsoft", (await notConfigured.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownRoom.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM calendar_links WHERE resource_id = '{room}'"));
    }

    [Fact]
    public async Task A_calendar_feeds_one_room_only()
    {
        var (_, calendar) = await LinkedRoomAsync();
        var other = await FreshRoomAsync();
        using var ada = api.As(ApiFixture.Ada);

        var second = await ada.PutAsJsonAsync($"/api/resources/{other}/calendar-link", new { provider = "google", calendarId = calendar.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM calendar_links WHERE resource_id = '{other}'"));
    }
}

/// <summary>The push sweep ten minutes apart: a delivery within seconds can only come from the outbox's own wake-up.</summary>
public sealed class CalendarPushWakeupFixture : ApiFixture
{
    public InMemoryCalendarProvider Calendars { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings =>
        SyncTestRooms.FastSyncSettings(base.Settings, ("Scheduling:CalendarPushInterval", "00:10:00"));

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ICalendarProvider>(Calendars);
}

public class CalendarPushWakeupTests(CalendarPushWakeupFixture api) : IClassFixture<CalendarPushWakeupFixture>
{
    private async Task<(Guid Room, string Calendar)> LinkedRoomAsync()
    {
        var room = await SyncTestRooms.FreshRoomAsync(api);
        var calendar = $"room-{room:N}@rooms.test";
        api.Calendars.AddCalendar(calendar, "Test room");
        await SyncTestRooms.LinkAsync(api, room, calendar);
        // Linking starts the scheduler's own first runs; wait for those to settle so only the booking's wake-up is left.
        await Task.Delay(TimeSpan.FromSeconds(2));
        return (room, calendar);
    }

    private async Task BookAsync(Guid room, string title)
    {
        var slot = SyncTestRooms.FreshSlot(api);
        using var alice = api.As(ApiFixture.Alice);
        Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title })).StatusCode);
    }

    [Fact]
    public async Task A_booking_is_pushed_within_seconds_without_waiting_for_the_sweep()
    {
        var (room, calendar) = await LinkedRoomAsync();

        await BookAsync(room, "Right away");

        await Eventually.HoldsAsync(() => Task.FromResult(api.Calendars.EventsIn(calendar).Count == 1), "the booking is pushed by the wake-up",
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_push_refused_with_retry_after_is_tried_again_then_and_not_at_the_next_sweep()
    {
        var (room, calendar) = await LinkedRoomAsync();
        api.Calendars.FailNext(new CalendarSyncException(CalendarSyncFailure.Throttled, "Slow down.", TimeSpan.FromSeconds(1)));

        await BookAsync(room, "After a 429");

        // The event is stored there a moment before its mapping is recorded here: wait for both.
        await Eventually.HoldsAsync(async () => await api.CountAsync($"SELECT count(*) FROM sync_event_map WHERE resource_id = '{room}'") == 1,
            "the throttled push is retried by itself", TimeSpan.FromSeconds(15));
        Assert.Single(api.Calendars.EventsIn(calendar));
    }
}
