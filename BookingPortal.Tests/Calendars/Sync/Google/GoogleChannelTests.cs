using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Google;

namespace BookingPortal.Tests.Calendars.Sync.Google;

public sealed class GoogleChannelTests
{
    private const string Room = GoogleSyncHarness.Room;
    private const string Secret = "channel-token-7f3a";

    [Fact]
    public async Task Subscribe_opens_a_channel_whose_handshake_and_change_calls_arrive_with_the_token()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        await using var sink = await NotificationSink.StartAsync();
        google.Fake.NotifyAutomatically = true;
        var before = DateTimeOffset.UtcNow;

        var subscription = await google.Provider().SubscribeAsync(Room, sink.Address, Secret, CancellationToken.None);

        Assert.Equal([subscription.Id], google.Fake.Channels(Room));
        Assert.NotNull(subscription.ProviderResourceId);
        Assert.InRange(subscription.ExpiresUtc, before.AddDays(7).AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(7).AddSeconds(1));
        Assert.Equal(new CalendarNotification(subscription.Id, Secret, CalendarNotificationKind.Handshake), await sink.NextAsync());

        var now = DateTimeOffset.UtcNow;
        google.Fake.CreateEventDirectly(Room, "grace@example.org", "Outside", now.AddHours(1), now.AddHours(2));
        Assert.Equal(new CalendarNotification(subscription.Id, Secret, CalendarNotificationKind.Changed), await sink.NextAsync());
    }

    [Fact]
    public async Task Renew_opens_a_new_channel_and_stops_the_old_one()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        await using var sink = await NotificationSink.StartAsync();
        var provider = google.Provider();
        var old = await provider.SubscribeAsync(Room, sink.Address, Secret, CancellationToken.None);

        var renewed = await provider.RenewAsync(Room, old, sink.Address, Secret, CancellationToken.None);

        Assert.NotEqual(old.Id, renewed.Id);
        Assert.Equal([renewed.Id], google.Fake.Channels(Room));
        Assert.Equal(1, google.Fake.ChannelStops);
    }

    [Fact]
    public async Task Renew_still_succeeds_when_the_old_channel_cannot_be_stopped()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        await using var sink = await NotificationSink.StartAsync();
        var provider = google.Provider();
        var old = await provider.SubscribeAsync(Room, sink.Address, Secret, CancellationToken.None);
        google.Fake.FailWhere(r => r.Contains("/channels/stop"), Fakes.GoogleCalendar.FakeGoogleFault.ServerError());

        var renewed = await provider.RenewAsync(Room, old, sink.Address, Secret, CancellationToken.None);

        // Both stay open: the old one runs out by itself.
        Assert.Equal(new[] { old.Id, renewed.Id }.Order(), google.Fake.Channels(Room).Order());
        Assert.Contains(google.Fake.Requests, r => r.Contains("/channels/stop"));
    }

    [Fact]
    public async Task Unsubscribe_stops_the_channel_and_a_second_time_is_fine()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        await using var sink = await NotificationSink.StartAsync();
        var provider = google.Provider();
        var subscription = await provider.SubscribeAsync(Room, sink.Address, Secret, CancellationToken.None);

        await provider.UnsubscribeAsync(subscription, CancellationToken.None);
        await provider.UnsubscribeAsync(subscription, CancellationToken.None);

        Assert.Empty(google.Fake.Channels(Room));
        Assert.Equal(1, google.Fake.ChannelStops);
    }

    [Fact]
    public async Task A_notification_carries_the_id_and_token_of_its_own_channel()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        await using var sink = await NotificationSink.StartAsync();
        var provider = google.Provider();
        var first = await provider.SubscribeAsync(Room, sink.Address, Secret, CancellationToken.None);
        var second = await provider.SubscribeAsync(Room, sink.Address, "another-token", CancellationToken.None);

        await google.Fake.NotifyAsync(second.Id, "not_exists");

        Assert.Equal(new CalendarNotification(second.Id, "another-token", CalendarNotificationKind.Changed), await sink.NextAsync());
        Assert.NotEqual(first.Id, second.Id);
    }

    [Theory]
    [InlineData("sync", CalendarNotificationKind.Handshake)]
    [InlineData("exists", CalendarNotificationKind.Changed)]
    [InlineData("not_exists", CalendarNotificationKind.Changed)]
    public void Parse_reads_the_channel_token_and_state(string state, CalendarNotificationKind kind)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Goog-Channel-ID"] = "chan-1",
            ["X-Goog-Channel-Token"] = Secret,
            ["X-Goog-Resource-State"] = state,
            ["X-Goog-Resource-ID"] = "res-1",
        };

        Assert.Equal(new CalendarNotification("chan-1", Secret, kind), GoogleNotifications.Parse(headers.GetValueOrDefault));
    }

    [Theory]
    [InlineData("X-Goog-Channel-ID")]
    [InlineData("X-Goog-Resource-State")]
    public void Parse_of_a_call_without_channel_headers_is_null(string missing)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Goog-Channel-ID"] = "chan-1",
            ["X-Goog-Resource-State"] = "exists",
        };
        headers.Remove(missing);

        Assert.Null(GoogleNotifications.Parse(headers.GetValueOrDefault));
    }

    [Fact]
    public void Parse_without_a_token_has_no_secret()
    {
        var headers = new Dictionary<string, string> { ["X-Goog-Channel-ID"] = "chan-1", ["X-Goog-Resource-State"] = "exists" };

        Assert.Equal(new CalendarNotification("chan-1", null, CalendarNotificationKind.Changed), GoogleNotifications.Parse(headers.GetValueOrDefault));
    }
}
