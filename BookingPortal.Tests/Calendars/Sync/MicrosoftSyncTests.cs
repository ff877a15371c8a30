using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using BookingPortal.Tests.Api;
using BookingPortal.Tests.Fakes.Graph;
using BookingPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Calendars.Sync;

/// <summary>The app as configured for a Microsoft 365 tenant, aimed at the fake Entra sign-in and Graph on loopback https.</summary>
public sealed class MicrosoftSyncFixture : ApiFixture
{
    public FakeGraph Graph { get; private set; } = null!;

    protected override async Task BeforeStartAsync() => Graph = await FakeGraph.StartAsync();

    protected override IReadOnlyDictionary<string, string> Settings => SyncTestRooms.FastSyncSettings(base.Settings,
        ("Sync:Microsoft:TenantId", FakeGraph.TenantId),
        ("Sync:Microsoft:ClientId", FakeGraph.ClientId),
        ("Sync:Microsoft:ClientSecret", FakeGraph.ClientSecret),
        ("Sync:Microsoft:Authority", Graph.Authority.AbsoluteUri),
        ("Sync:Microsoft:GraphBaseUrl", Graph.GraphBaseUrl.AbsoluteUri));

    // The one transport change: the sync's named client trusts the fake's certificate.
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddHttpClient(MicrosoftSyncSetup.HttpClientName).ConfigurePrimaryHttpMessageHandler(Graph.CreateTrustingHandler);

    protected override async Task AfterStopAsync() => await Graph.DisposeAsync();
}

/// <summary>Both directions through the real Microsoft.Graph client, Azure.Identity and the fake's documented wire format.</summary>
public class MicrosoftSyncTests(MicrosoftSyncFixture api) : IClassFixture<MicrosoftSyncFixture>
{
    private async Task<(Guid Room, string Mailbox)> LinkedRoomAsync()
    {
        var room = await SyncTestRooms.FreshRoomAsync(api);
        var mailbox = $"room-{room:N}@contoso.example";
        api.Graph.AddRoom(mailbox, "Room in Outlook");
        Assert.Equal("Room in Outlook", (await SyncTestRooms.LinkAsync(api, room, mailbox, "microsoft")).GetProperty("calendarName").GetString());
        return (room, mailbox);
    }

    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, what, TimeSpan.FromSeconds(45));

    [Fact]
    public async Task A_booking_here_is_one_outlook_event_with_its_owner_invited_even_when_the_first_answer_is_lost()
    {
        var (room, mailbox) = await LinkedRoomAsync();
        var slot = SyncTestRooms.FreshSlot(api);
        api.Graph.FailNext(FakeGraphFault.StoreThenLoseAnswer());
        using var alice = api.As(ApiFixture.Alice);

        var booked = await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title = "Budget review" });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);

        await EventuallyAsync(async () => (await SyncTestRooms.StatusAsync(api, room)).GetProperty("pendingOutbox").GetInt64() == 0 && api.Graph.Events(mailbox).Count == 1,
            "the booking is delivered");
        var stored = Assert.Single(api.Graph.Events(mailbox));
        Assert.Equal("Budget review", stored.Subject);
        Assert.Equal(slot.Start.ToUniversalTime(), stored.Start.ToUniversalTime());
        Assert.Contains(stored.Attendees, a => string.Equals(a.Address, ApiFixture.Alice.Email, StringComparison.OrdinalIgnoreCase));
        Assert.True(api.Graph.Count("POST", "/events") >= 2, string.Join("\n", api.Graph.Requests));

        var bookingId = (await booked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync($"/api/bookings/{bookingId}/cancel", new { reason = "moved online" })).StatusCode);
        await EventuallyAsync(() => Task.FromResult(api.Graph.Events(mailbox).Count == 0), "the cancel deletes the event");
    }

    [Fact]
    public async Task A_meeting_booked_in_outlook_holds_the_room_follows_its_move_and_frees_it_when_deleted()
    {
        var (room, mailbox) = await LinkedRoomAsync();
        var slot = SyncTestRooms.FreshSlot(api);
        var later = SyncTestRooms.FreshSlot(api);
        using var alice = api.As(ApiFixture.Alice);

        var outside = api.Graph.CreateEventAsOrganizer(mailbox, "Board meeting", slot.Start, slot.End, "Grace Hopper", "grace@contoso.example");
        string Holding(DateTimeOffset start) =>
            $"SELECT count(*) FROM bookings WHERE outside_external_id = '{outside.Id}' AND status = 'Confirmed' AND start_utc = '{start.UtcDateTime:O}'";

        await EventuallyAsync(async () => await api.CountAsync(Holding(slot.Start)) == 1, "the Outlook meeting holds the room");
        Assert.Equal(HttpStatusCode.Conflict,
            (await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title = "Mine" })).StatusCode);

        api.Graph.MoveEvent(mailbox, outside.Id, later.Start, later.End);
        await EventuallyAsync(async () => await api.CountAsync(Holding(later.Start)) == 1, "the hold follows the move");
        Assert.Equal(HttpStatusCode.Created,
            (await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title = "Mine" })).StatusCode);

        api.Graph.DeleteEvent(mailbox, outside.Id);
        await EventuallyAsync(async () => await api.CountAsync(
                $"SELECT count(*) FROM bookings WHERE outside_external_id = '{outside.Id}' AND status = 'Confirmed'") == 0,
            "the deleted meeting frees the room");
        // Our own event for "Mine" went to Outlook and never came back as a hold of its own.
        await EventuallyAsync(() => Task.FromResult(api.Graph.Events(mailbox).Count(e => e.Subject == "Mine") == 1), "our booking is pushed");
        Assert.Equal(0, await api.CountAsync(
            $"SELECT count(*) FROM bookings b JOIN allocations a ON a.booking_id = b.id WHERE a.resource_id = '{room}' AND a.holds AND b.outside_external_id IS NOT NULL"));
    }

}
