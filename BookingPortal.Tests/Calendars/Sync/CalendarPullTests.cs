using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Tests.Api;
using BookingPortal.Tests.Support;

namespace BookingPortal.Tests.Calendars.Sync;

public class CalendarPullTests(CalendarPushFixture api) : IClassFixture<CalendarPushFixture>
{
    private InMemoryCalendarProvider Calendars => api.Calendars;

    private (DateTimeOffset Start, DateTimeOffset End) FreshSlot() => SyncTestRooms.FreshSlot(api);

    private async Task<(Guid Room, string Calendar)> LinkedRoomAsync()
    {
        var room = await SyncTestRooms.FreshRoomAsync(api);
        var calendar = $"pull-{room:N}@rooms.test";
        Calendars.AddCalendar(calendar, "Pulled room");
        await SyncTestRooms.LinkAsync(api, room, calendar);
        return (room, calendar);
    }

    private async Task<HttpResponseMessage> BookAsync(Guid room, (DateTimeOffset Start, DateTimeOffset End) slot, bool joinWaitlist = false)
    {
        using var alice = api.As(ApiFixture.Alice);
        return await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title = "Ours", joinWaitlist });
    }

    private Task<long> HoldsOfAsync(string externalId) => api.CountAsync(
        $"SELECT count(*) FROM bookings WHERE outside_external_id = '{externalId}' AND status = 'Confirmed'");

    private async Task<string> PullErrorAsync(string calendar)
    {
        using var ada = api.As(ApiFixture.Ada);
        var all = await ada.GetFromJsonAsync<JsonElement>("/api/sync/status");
        return all.EnumerateArray().Single(s => s.GetProperty("calendarId").GetString() == calendar).GetProperty("lastError").ToString();
    }

    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, what, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task An_event_made_in_the_outside_calendar_holds_the_room_here()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var slot = FreshSlot();

        var outside = Calendars.PutDirectly(calendar, null, "Vendor call", slot.Start, slot.End);

        await EventuallyAsync(async () => await HoldsOfAsync(outside) == 1, "the outside event holds the room");
        var refused = await BookAsync(room, slot);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    [Fact]
    public async Task A_moved_outside_event_moves_its_hold_and_a_deleted_one_frees_the_slot_for_the_wait_list()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var first = FreshSlot();
        var second = FreshSlot();
        var outside = Calendars.PutDirectly(calendar, null, "Vendor call", first.Start, first.End);
        await EventuallyAsync(async () => await HoldsOfAsync(outside) == 1, "the outside event holds the room");

        Calendars.PutDirectly(calendar, outside, "Vendor call", second.Start, second.End);
        await EventuallyAsync(async () => (await BookAsync(room, first)).StatusCode == HttpStatusCode.Created, "the old time is free again");
        var waiting = await BookAsync(room, second, joinWaitlist: true);
        Assert.Equal(HttpStatusCode.Accepted, waiting.StatusCode);
        var waitingId = (await waiting.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Calendars.DeleteDirectly(outside);

        await EventuallyAsync(async () => await HoldsOfAsync(outside) == 0, "the deleted event no longer holds");
        await EventuallyAsync(async () => await api.CountAsync($"SELECT count(*) FROM bookings WHERE id = '{waitingId}' AND status = 'Confirmed'") == 1,
            "the waiting request got the freed time");
    }

    [Fact]
    public async Task Our_own_events_never_come_back_as_outside_holds()
    {
        var (room, calendar) = await LinkedRoomAsync();
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(room, FreshSlot())).StatusCode);
        await EventuallyAsync(() => Task.FromResult(Calendars.EventsIn(calendar).Count == 1), "the booking is pushed");
        // A full read lists the pushed event like any other.
        Calendars.ExpireCursors();
        var pulledAt = await api.CountAsync($"SELECT count(*) FROM calendar_links WHERE resource_id = '{room}' AND full_pull_at > now()");

        await EventuallyAsync(async () => await api.CountAsync(
            $"SELECT count(*) FROM calendar_links WHERE resource_id = '{room}' AND full_pull_at > now() - interval '2 seconds'") == 1,
            "a full pull ran after the push");

        Assert.Equal(0, pulledAt);
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM bookings WHERE outside_calendar_id = '{calendar}'"));
    }

    [Fact]
    public async Task An_outside_event_over_a_booking_here_is_listed_as_a_conflict_and_holds_nothing()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var slot = FreshSlot();
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(room, slot)).StatusCode);

        var outside = Calendars.PutDirectly(calendar, null, "Double booked there", slot.Start.AddMinutes(15), slot.End.AddMinutes(15));

        await EventuallyAsync(async () => await api.CountAsync(
            $"SELECT count(*) FROM sync_conflicts WHERE resource_id = '{room}' AND external_id = '{outside}' AND cardinality(conflicting_booking_ids) = 1") == 1,
            "the collision is listed");
        Assert.Equal(0, await HoldsOfAsync(outside));
    }

    [Fact]
    public async Task After_an_expired_cursor_a_full_read_releases_events_deleted_meanwhile()
    {
        var (_, calendar) = await LinkedRoomAsync();
        var slot = FreshSlot();
        var outside = Calendars.PutDirectly(calendar, null, "Gone while we were away", slot.Start, slot.End);
        await EventuallyAsync(async () => await HoldsOfAsync(outside) == 1, "the outside event holds the room");

        // The deletion is never seen as a change: the cursor that would have carried it expires first.
        Calendars.ExpireCursors();
        Calendars.DeleteDirectly(outside);

        await EventuallyAsync(async () => await HoldsOfAsync(outside) == 0, "the full read released the hold; " + await PullErrorAsync(calendar));
    }

    [Fact]
    public async Task Unlinking_releases_the_holds_of_the_calendars_own_events()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var slot = FreshSlot();
        var outside = Calendars.PutDirectly(calendar, null, "Held from outside", slot.Start, slot.End);
        await EventuallyAsync(async () => await HoldsOfAsync(outside) == 1, "the outside event holds the room");
        using var ada = api.As(ApiFixture.Ada);

        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/api/resources/{room}/calendar-link")).StatusCode);

        Assert.Equal(0, await HoldsOfAsync(outside));
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(room, slot)).StatusCode);
    }

    [Fact]
    public async Task A_hold_of_an_outside_event_cannot_be_cancelled_or_moved_here()
    {
        var (_, calendar) = await LinkedRoomAsync();
        var slot = FreshSlot();
        var outside = Calendars.PutDirectly(calendar, null, "Theirs", slot.Start, slot.End);
        await EventuallyAsync(async () => await HoldsOfAsync(outside) == 1, "the outside event holds the room");
        var id = await api.ScalarAsync<Guid>($"SELECT id FROM bookings WHERE outside_external_id = '{outside}'");
        using var ada = api.As(ApiFixture.Ada);

        var cancel = await ada.PostAsJsonAsync($"/api/bookings/{id}/cancel", new { reason = "mine now" });
        var move = await ada.PatchAsJsonAsync($"/api/bookings/{id}", new { start = slot.Start.AddHours(1), end = slot.End.AddHours(1) });

        foreach (var refused in new[] { cancel, move })
        {
            Assert.True(refused.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{(int)refused.StatusCode}");
            Assert.Contains("change or cancel it there", await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal(1, await HoldsOfAsync(outside));
    }
}
