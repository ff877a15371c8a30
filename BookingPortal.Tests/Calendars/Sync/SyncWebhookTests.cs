using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using BookingPortal.Tests.Api;
using BookingPortal.Tests.Fakes.GoogleCalendar;
using BookingPortal.Tests.Fakes.Graph;
using BookingPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Calendars.Sync;

/// <summary>
/// Both providers' fakes and the app on a loopback port known before it starts, given as <c>Sync:PublicBaseUrl</c> so
/// the fakes deliver there. Polls are ten minutes apart: only a webhook explains an outside event holding within seconds.
/// </summary>
public sealed class SyncWebhookFixture : ApiFixture
{
    public FakeGraph Graph { get; private set; } = null!;
    public FakeGoogleCalendar Google { get; private set; } = null!;
    private FakeServiceAccount _account = null!;
    private readonly int _port = FreePort();

    protected override int Port => _port;

    public Uri PublicBaseUrl => new($"http://127.0.0.1:{_port}/");

    protected override async Task BeforeStartAsync()
    {
        Graph = await FakeGraph.StartAsync();
        // Subscription expiries are computed on the app's manual clock; the fake checks them against the same one.
        Graph.Clock = Clock;
        Google = await FakeGoogleCalendar.StartAsync();
        Google.NotifyAutomatically = true;
        _account = FakeServiceAccount.Create();
        Google.Trust(_account);
    }

    protected override IReadOnlyDictionary<string, string> Settings => SyncTestRooms.FastSyncSettings(base.Settings,
        ("Sync:PollSeconds", "600"),
        ("Sync:ReconcileSeconds", "600"),
        ("Sync:PublicBaseUrl", PublicBaseUrl.AbsoluteUri),
        ("Sync:Microsoft:TenantId", FakeGraph.TenantId),
        ("Sync:Microsoft:ClientId", FakeGraph.ClientId),
        ("Sync:Microsoft:ClientSecret", FakeGraph.ClientSecret),
        ("Sync:Microsoft:Authority", Graph.Authority.AbsoluteUri),
        ("Sync:Microsoft:GraphBaseUrl", Graph.GraphBaseUrl.AbsoluteUri),
        ("Sync:Google:ServiceAccountKeyFile", _account.KeyFile),
        ("Sync:Google:ImpersonateUser", GoogleSyncFixture.SyncUser),
        ("Sync:Google:TokenUrl", Google.TokenUrl),
        ("Sync:Google:ApiBaseUrl", Google.ApiBaseUrl));

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddHttpClient(MicrosoftSyncSetup.HttpClientName).ConfigurePrimaryHttpMessageHandler(Graph.CreateTrustingHandler);

    protected override async Task AfterStopAsync()
    {
        await Graph.DisposeAsync();
        await Google.DisposeAsync();
        _account.Dispose();
    }

    // Released at once for the app to take: a tiny race with other listeners, against knowing the address in advance.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A fresh room linked to a fresh calendar of each provider, returned once the app has subscribed to it.</summary>
internal static class SyncWebhookRooms
{
    public static readonly TimeSpan Quickly = TimeSpan.FromSeconds(15);

    public static async Task<(Guid Room, string Mailbox, FakeGraphSubscription Subscription)> OutlookRoomAsync(SyncWebhookFixture api)
    {
        var room = await SyncTestRooms.FreshRoomAsync(api);
        var mailbox = $"room-{room:N}@contoso.example";
        api.Graph.AddRoom(mailbox, "Room in Outlook");
        await SyncTestRooms.LinkAsync(api, room, mailbox, "microsoft");
        // The fake only stores a subscription whose validation token the app echoed.
        await Eventually.HoldsAsync(() => Task.FromResult(api.Graph.Subscriptions(mailbox).Count == 1), "the app subscribes", Quickly);
        return (room, mailbox, api.Graph.Subscriptions(mailbox).Single());
    }

    public static async Task<(Guid Room, string Calendar)> GoogleRoomAsync(SyncWebhookFixture api)
    {
        var room = await SyncTestRooms.FreshRoomAsync(api);
        var calendar = $"c_{room:N}@resource.calendar.google.com";
        api.Google.AddCalendar(calendar, "Room on Google");
        await SyncTestRooms.LinkAsync(api, room, calendar);
        await Eventually.HoldsAsync(() => Task.FromResult(api.Google.Channels(calendar).Count == 1), "the app opens a watch channel", Quickly);
        return (room, calendar);
    }

    public static Task<long> HoldsAsync(ApiFixture api, string externalId) =>
        api.CountAsync($"SELECT count(*) FROM bookings WHERE outside_external_id = '{externalId}' AND status = 'Confirmed'");
}

/// <summary>Graph subscriptions and Google watch channels opened on linking, delivered to the app's webhook endpoints.</summary>
public class SyncWebhookTests(SyncWebhookFixture api) : IClassFixture<SyncWebhookFixture>
{
    private static readonly TimeSpan Quickly = SyncWebhookRooms.Quickly;

    private Task<(Guid Room, string Mailbox, FakeGraphSubscription Subscription)> OutlookRoomAsync() => SyncWebhookRooms.OutlookRoomAsync(api);

    private Task<(Guid Room, string Calendar)> GoogleRoomAsync() => SyncWebhookRooms.GoogleRoomAsync(api);

    private Task<long> HoldsAsync(string externalId) => SyncWebhookRooms.HoldsAsync(api, externalId);

    private Task<long> PullsDueAsync(Guid room) =>
        api.CountAsync($"SELECT count(*) FROM calendar_links WHERE resource_id = '{room}' AND pull_due_at <= now()");

    private async Task<HttpStatusCode> PostToGraphWebhookAsync(string subscriptionId, string clientState)
    {
        using var anonymous = api.Anonymous();
        var body = $$"""{"value":[{"subscriptionId":"{{subscriptionId}}","clientState":"{{clientState}}","changeType":"created","resource":"Users/x/Events/y"}]}""";
        using var response = await anonymous.PostAsync("/api/sync/microsoft/notifications", new StringContent(body, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    [Fact]
    public async Task Graph_validation_handshake_is_echoed_as_plain_text()
    {
        using var anonymous = api.Anonymous();

        using var response = await anonymous.PostAsync("/api/sync/microsoft/notifications?validationToken=Validation%3A%20Testing%20client", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Validation: Testing client", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_outlook_meeting_holds_the_room_within_seconds_through_the_graph_notification()
    {
        var (_, mailbox, _) = await OutlookRoomAsync();
        var slot = SyncTestRooms.FreshSlot(api);

        var outside = api.Graph.CreateEventAsOrganizer(mailbox, "Board meeting", slot.Start, slot.End, "Grace Hopper", "grace@contoso.example");

        await Eventually.HoldsAsync(async () => await HoldsAsync(outside.Id) == 1, "the notified change holds the room", Quickly);
    }

    [Fact]
    public async Task A_google_event_holds_the_room_within_seconds_through_the_watch_channel()
    {
        var (_, calendar) = await GoogleRoomAsync();
        var slot = SyncTestRooms.FreshSlot(api);

        var id = api.Google.CreateEventDirectly(calendar, "grace@example.org", "Customer visit", slot.Start, slot.End);

        await Eventually.HoldsAsync(async () => await HoldsAsync(id) == 1, "the notified change holds the room", Quickly);
    }

    [Fact]
    public async Task A_notification_with_the_wrong_client_state_is_refused_and_pulls_nothing()
    {
        var (room, _, subscription) = await OutlookRoomAsync();
        await Eventually.HoldsAsync(async () => await PullsDueAsync(room) == 0, "the first pull is done", Quickly);

        Assert.Equal(HttpStatusCode.Forbidden, await PostToGraphWebhookAsync(subscription.Id, "not-the-secret"));

        Assert.Equal(0, await PullsDueAsync(room));
    }

    [Fact]
    public async Task A_notification_for_an_unknown_subscription_is_refused()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await PostToGraphWebhookAsync(Guid.NewGuid().ToString(), "anything"));
    }

    [Fact]
    public async Task A_removed_graph_subscription_is_replaced_by_a_new_one()
    {
        var (_, mailbox, old) = await OutlookRoomAsync();

        Assert.Equal(HttpStatusCode.Accepted, await api.Graph.NotifyLifecycleAsync(old.Id, "subscriptionRemoved"));
        api.Graph.DropSubscription(old.Id);

        await Eventually.HoldsAsync(() => Task.FromResult(api.Graph.Subscriptions(mailbox).Any(s => s.Id != old.Id)), "the app subscribes again", Quickly);
    }

    [Fact]
    public async Task Unlinking_ends_the_graph_subscription_and_the_google_channel()
    {
        var (outlookRoom, mailbox, _) = await OutlookRoomAsync();
        var (googleRoom, calendar) = await GoogleRoomAsync();
        using var ada = api.As(ApiFixture.Ada);

        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/api/resources/{outlookRoom}/calendar-link")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/api/resources/{googleRoom}/calendar-link")).StatusCode);

        Assert.Empty(api.Graph.Subscriptions(mailbox));
        Assert.Empty(api.Google.Channels(calendar));
    }
    [Fact]
    public async Task Status_shows_the_webhook_subscribed_until_its_expiry()
    {
        var (room, _, subscription) = await OutlookRoomAsync();

        var webhook = (await SyncTestRooms.StatusAsync(api, room)).GetProperty("webhook");

        Assert.Equal("subscribed", webhook.GetProperty("state").GetString());
        Assert.Equal(subscription.Expires, webhook.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, webhook.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task A_subscription_graph_cannot_validate_is_shown_as_failing_and_the_next_pull_subscribes()
    {
        var room = await SyncTestRooms.FreshRoomAsync(api);
        var mailbox = $"room-{room:N}@contoso.example";
        api.Graph.AddRoom(mailbox, "Room behind a firewall");
        api.Graph.NotificationEndpointUnreachable = true;
        try
        {
            await SyncTestRooms.LinkAsync(api, room, mailbox, "microsoft");

            await Eventually.HoldsAsync(async () =>
                (await SyncTestRooms.StatusAsync(api, room)).GetProperty("webhook").GetProperty("state").GetString() == "failing",
                "the failed subscribe is shown", Quickly);
            var webhook = (await SyncTestRooms.StatusAsync(api, room)).GetProperty("webhook");
            Assert.Contains("validation", webhook.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.Empty(api.Graph.Subscriptions(mailbox));
        }
        finally
        {
            api.Graph.NotificationEndpointUnreachable = false;
        }

        await api.CountAsync($"WITH due AS (UPDATE calendar_links SET pull_due_at = now() WHERE resource_id = '{room}' RETURNING 1) SELECT count(*) FROM due");

        await Eventually.HoldsAsync(() => Task.FromResult(api.Graph.Subscriptions(mailbox).Count == 1), "the next pull subscribes", Quickly);
        await Eventually.HoldsAsync(async () =>
            (await SyncTestRooms.StatusAsync(api, room)).GetProperty("webhook").GetProperty("error").ValueKind == JsonValueKind.Null,
            "the error is cleared", Quickly);
    }

    [Fact]
    public async Task Reauthorization_required_renews_the_graph_subscription_at_once()
    {
        var (_, _, subscription) = await OutlookRoomAsync();
        var renewals = api.Graph.Count("PATCH", $"subscriptions/{subscription.Id}");

        Assert.Equal(HttpStatusCode.Accepted, await api.Graph.NotifyLifecycleAsync(subscription.Id, "reauthorizationRequired"));

        await Eventually.HoldsAsync(() => Task.FromResult(api.Graph.Count("PATCH", $"subscriptions/{subscription.Id}") > renewals),
            "the subscription is renewed", Quickly);
    }

    [Fact]
    public async Task Linking_a_room_to_another_calendar_ends_the_old_subscription()
    {
        var (room, mailbox, _) = await OutlookRoomAsync();
        var other = $"other-{room:N}@contoso.example";
        api.Graph.AddRoom(other, "The room's new mailbox");

        await SyncTestRooms.LinkAsync(api, room, other, "microsoft");

        Assert.Empty(api.Graph.Subscriptions(mailbox));
        await Eventually.HoldsAsync(() => Task.FromResult(api.Graph.Subscriptions(other).Count == 1), "the new calendar is subscribed", Quickly);
    }
}

/// <summary>
/// A fixture of its own, since its clock is moved days ahead: subscriptions are renewed at half their lifetime and go
/// on delivering.
/// </summary>
public class SyncWebhookRenewalTests(SyncWebhookFixture api) : IClassFixture<SyncWebhookFixture>
{
    [Fact]
    public async Task Subscriptions_are_renewed_at_half_their_lifetime_and_go_on_delivering()
    {
        var (_, mailbox, subscription) = await SyncWebhookRooms.OutlookRoomAsync(api);
        var (_, calendar) = await SyncWebhookRooms.GoogleRoomAsync(api);
        var channel = api.Google.Channels(calendar).Single();
        var lifetime = subscription.Expires - api.Clock.GetUtcNow();

        api.Clock.Advance(lifetime / 2 + TimeSpan.FromMinutes(1));

        await Eventually.HoldsAsync(() => Task.FromResult(api.Graph.Subscriptions(mailbox) is [var renewed] && renewed.Id == subscription.Id
            && renewed.Expires > subscription.Expires), "the Graph subscription is extended", SyncWebhookRooms.Quickly);
        // Google channels cannot be extended: a new one replaces the old, which is stopped.
        await Eventually.HoldsAsync(() => Task.FromResult(api.Google.Channels(calendar) is [var replaced] && replaced != channel),
            "the Google channel is replaced", SyncWebhookRooms.Quickly);

        var slot = SyncTestRooms.FreshSlot(api);
        var outlook = api.Graph.CreateEventAsOrganizer(mailbox, "Planning", slot.Start, slot.End, "Grace Hopper", "grace@contoso.example");
        var google = api.Google.CreateEventDirectly(calendar, "grace@example.org", "Review", slot.Start, slot.End);
        await Eventually.HoldsAsync(async () => await SyncWebhookRooms.HoldsAsync(api, outlook.Id) == 1, "the renewed subscription delivers",
            SyncWebhookRooms.Quickly);
        await Eventually.HoldsAsync(async () => await SyncWebhookRooms.HoldsAsync(api, google) == 1, "the new channel delivers",
            SyncWebhookRooms.Quickly);
    }
}
