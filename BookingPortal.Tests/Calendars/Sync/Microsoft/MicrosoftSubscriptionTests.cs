using System.Net;
using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Tests.Fakes.Graph;
using Microsoft.Extensions.Options;

namespace BookingPortal.Tests.Calendars.Sync.Microsoft;

/// <summary>Graph subscriptions: created only after the endpoint echoes the handshake, renewed, deleted, notifying.</summary>
public sealed class MicrosoftSubscriptionTests : IAsyncLifetime
{
    private const string Room = "aurora@contoso.test";
    private const string Secret = "client-state-7f3a";
    private FakeGraph _graph = null!;
    private NotificationEndpoint _endpoint = null!;
    private ICalendarProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _graph.AddRoom(Room, "Room Aurora");
        _endpoint = await NotificationEndpoint.StartAsync();
        _provider = GraphSync.Provider(_graph);
    }

    public async Task DisposeAsync()
    {
        await _graph.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    [Fact]
    public async Task Subscribe_passes_the_validation_handshake_and_asks_for_three_days()
    {
        var before = DateTimeOffset.UtcNow;

        var subscription = await _provider.SubscribeAsync(Room, _endpoint.Url, Secret, default);

        var stored = Assert.Single(_graph.Subscriptions(Room));
        Assert.Equal(subscription.Id, stored.Id);
        Assert.Equal(("users/aurora@contoso.test/events", "created,updated,deleted", Secret), (stored.Resource, stored.ChangeType, stored.ClientState));
        Assert.Equal((_endpoint.Url, _endpoint.Url), (stored.NotificationUrl, stored.LifecycleNotificationUrl));
        Assert.InRange(subscription.ExpiresUtc, before.AddDays(3), DateTimeOffset.UtcNow.AddDays(3));
        Assert.Equal(stored.Expires, subscription.ExpiresUtc);
        Assert.Null(subscription.ProviderResourceId);
        Assert.Equal((1, 1), (_graph.Handshakes, _endpoint.Handshakes));
    }

    [Fact]
    public async Task An_endpoint_that_does_not_echo_the_token_gets_no_subscription()
    {
        await using var deaf = await NotificationEndpoint.StartAsync(echo: false);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => _provider.SubscribeAsync(Room, deaf.Url, Secret, default));

        Assert.Equal(CalendarSyncFailure.Rejected, failure.Failure);
        Assert.Contains("ValidationError", failure.Message);
        Assert.Equal(1, deaf.Handshakes);
        Assert.Empty(_graph.Subscriptions());
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_mailbox_is_unknown_calendar()
    {
        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            _provider.SubscribeAsync("nobody@contoso.test", _endpoint.Url, Secret, default));

        Assert.Equal(CalendarSyncFailure.UnknownCalendar, failure.Failure);
        Assert.Equal(0, _graph.Handshakes);
    }

    [Fact]
    public async Task A_change_on_the_room_reaches_the_endpoint_with_the_subscription_id_and_secret()
    {
        var subscription = await _provider.SubscribeAsync(Room, _endpoint.Url, Secret, default);

        _graph.CreateEventAsOrganizer(Room, "Offsite", DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(1).AddHours(1),
            "Dana Dean", "dana@contoso.test");

        await Eventually.HoldsAsync(() => Task.FromResult(_endpoint.Received.Count > 0), "the notification arrived", TimeSpan.FromSeconds(20));
        Assert.Equal([new CalendarNotification(subscription.Id, Secret, CalendarNotificationKind.Changed)], _endpoint.Received);
        Assert.Equal(HttpStatusCode.Accepted, Assert.Single(_graph.Deliveries).Status);
    }

    [Fact]
    public async Task Lifecycle_notifications_arrive_as_their_kinds()
    {
        var subscription = await _provider.SubscribeAsync(Room, _endpoint.Url, Secret, default);

        foreach (var lifecycle in (string[])["reauthorizationRequired", "subscriptionRemoved", "missed"])
        {
            Assert.Equal(HttpStatusCode.Accepted, await _graph.NotifyLifecycleAsync(subscription.Id, lifecycle));
        }

        Assert.Equal(
            [CalendarNotificationKind.ReauthorizationRequired, CalendarNotificationKind.SubscriptionRemoved, CalendarNotificationKind.Missed],
            _endpoint.Received.Select(n => n.Kind));
        Assert.All(_endpoint.Received, n => Assert.Equal((subscription.Id, Secret), (n.SubscriptionId, n.Secret)));
    }

    [Fact]
    public async Task Renew_extends_the_same_subscription()
    {
        var shortLived = GraphSync.Provider(_graph, settings: ("SubscriptionLifetime", "01:00:00"));
        var subscription = await shortLived.SubscribeAsync(Room, _endpoint.Url, Secret, default);

        var renewed = await _provider.RenewAsync(Room, subscription, _endpoint.Url, Secret, default);

        Assert.Equal(subscription.Id, renewed.Id);
        Assert.True(renewed.ExpiresUtc > subscription.ExpiresUtc.AddDays(2));
        Assert.Equal(renewed.ExpiresUtc, Assert.Single(_graph.Subscriptions()).Expires);
        Assert.Equal(1, _graph.Count("PATCH", $"/subscriptions/{subscription.Id}"));
    }

    [Fact]
    public async Task Renewing_a_subscription_graph_dropped_subscribes_again()
    {
        var subscription = await _provider.SubscribeAsync(Room, _endpoint.Url, Secret, default);
        _graph.DropSubscription(subscription.Id);

        var renewed = await _provider.RenewAsync(Room, subscription, _endpoint.Url, Secret, default);

        Assert.NotEqual(subscription.Id, renewed.Id);
        Assert.Equal(renewed.Id, Assert.Single(_graph.Subscriptions()).Id);
        Assert.Equal(2, _endpoint.Handshakes);
    }

    [Fact]
    public async Task Unsubscribe_deletes_the_subscription_and_again_is_no_failure()
    {
        var subscription = await _provider.SubscribeAsync(Room, _endpoint.Url, Secret, default);

        await _provider.UnsubscribeAsync(subscription, default);
        await _provider.UnsubscribeAsync(subscription, default);

        Assert.Empty(_graph.Subscriptions());
        Assert.Equal(2, _graph.Count("DELETE", $"/subscriptions/{subscription.Id}"));
    }

    [Fact]
    public void A_lifetime_beyond_graphs_limit_for_events_is_refused_at_setup()
    {
        var failure = Assert.Throws<OptionsValidationException>(() =>
            GraphSync.Provider(_graph, settings: ("SubscriptionLifetime", "7.00:01:00")));

        Assert.Contains("10,080 minutes", failure.Message);
    }
}
