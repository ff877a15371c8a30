using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Tests.Api;
using BookingPortal.Tests.Fakes.GoogleCalendar;
using BookingPortal.Tests.Support;

namespace BookingPortal.Tests.Calendars.Sync;

/// <summary>The app as configured for Google Workspace, aimed at the fake Google Calendar on loopback.</summary>
public sealed class GoogleSyncFixture : ApiFixture
{
    public const string SyncUser = "sync-admin@example.org";

    public FakeGoogleCalendar Google { get; private set; } = null!;
    private FakeServiceAccount _account = null!;

    protected override async Task BeforeStartAsync()
    {
        Google = await FakeGoogleCalendar.StartAsync();
        _account = FakeServiceAccount.Create();
        Google.Trust(_account);
    }

    protected override IReadOnlyDictionary<string, string> Settings => SyncTestRooms.FastSyncSettings(base.Settings,
        ("Sync:Google:ServiceAccountKeyFile", _account.KeyFile),
        ("Sync:Google:ImpersonateUser", SyncUser),
        ("Sync:Google:TokenUrl", Google.TokenUrl),
        ("Sync:Google:ApiBaseUrl", Google.ApiBaseUrl));

    protected override async Task AfterStopAsync()
    {
        await Google.DisposeAsync();
        _account.Dispose();
    }
}

/// <summary>Both directions through the real Google provider and the fake's documented wire format.</summary>
public class GoogleSyncTests(GoogleSyncFixture api) : IClassFixture<GoogleSyncFixture>
{
    private (DateTimeOffset Start, DateTimeOffset End) FreshSlot() => SyncTestRooms.FreshSlot(api);

    private async Task<(Guid Room, string Calendar)> LinkedRoomAsync()
    {
        var room = await SyncTestRooms.FreshRoomAsync(api);
        var calendar = $"c_{room:N}@resource.calendar.google.com";
        api.Google.AddCalendar(calendar, "Room on Google");
        Assert.Equal("Room on Google", (await SyncTestRooms.LinkAsync(api, room, calendar)).GetProperty("calendarName").GetString());
        return (room, calendar);
    }

    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, what, TimeSpan.FromSeconds(45));

    [Fact]
    public async Task A_booking_here_is_one_event_there_even_when_the_first_answer_is_lost()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var slot = FreshSlot();
        bool IsCreateInRoom(string request) =>
            request.StartsWith("POST", StringComparison.Ordinal) && request.Contains($"{room:N}") && request.Contains("/events", StringComparison.Ordinal)
            && !request.Contains("/watch", StringComparison.Ordinal);
        api.Google.FailWhere(IsCreateInRoom, FakeGoogleFault.StoreThenDrop());
        using var alice = api.As(ApiFixture.Alice);

        var booked = await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title = "Design review" });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);

        await EventuallyAsync(async () => (await SyncTestRooms.StatusAsync(api, room)).GetProperty("pendingOutbox").GetInt64() == 0 && api.Google.Events(calendar).Count == 1,
            "the booking is delivered");
        var stored = Assert.Single(api.Google.Events(calendar));
        Assert.Equal("Design review", stored.Summary);
        // The first create was stored and its answer dropped; the one that followed found it by its id.
        Assert.True(api.Google.Requests.Count(IsCreateInRoom) >= 2, string.Join("\n", api.Google.Requests));
    }

    [Fact]
    public async Task An_event_made_in_google_holds_the_room_and_frees_it_when_deleted_there()
    {
        var (room, calendar) = await LinkedRoomAsync();
        var slot = FreshSlot();
        using var alice = api.As(ApiFixture.Alice);

        var id = api.Google.CreateEventDirectly(calendar, "grace@example.org", "Customer visit", slot.Start, slot.End);

        await EventuallyAsync(async () => await api.CountAsync($"SELECT count(*) FROM bookings WHERE outside_external_id = '{id}' AND status = 'Confirmed'") == 1,
            "the Google event holds the room");
        var refused = await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title = "Mine" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        api.Google.DeleteEventDirectly(calendar, id);

        await EventuallyAsync(async () => await api.CountAsync($"SELECT count(*) FROM bookings WHERE outside_external_id = '{id}' AND status = 'Confirmed'") == 0,
            "the deleted event frees the room");
        Assert.Equal(HttpStatusCode.Created,
            (await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { room }, start = slot.Start, end = slot.End, title = "Mine" })).StatusCode);
    }

}
