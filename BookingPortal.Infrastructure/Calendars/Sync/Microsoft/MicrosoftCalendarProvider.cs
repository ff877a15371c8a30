using System.Globalization;
using System.Net;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Authentication.Azure;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;

namespace BookingPortal.Infrastructure.Calendars.Sync.Microsoft;

/// <summary>
/// Microsoft 365 room mailboxes through Graph v1.0 (<c>/users/{mailbox}/calendar</c>), signed in app-only by the
/// client-credentials grant. Every call is a single attempt: the SDK's retry handler is left out, so a throttled
/// mailbox surfaces at once as <see cref="CalendarSyncFailure.Throttled"/> with Graph's <c>Retry-After</c> and the
/// outbox decides when to try again.
/// </summary>
public sealed class MicrosoftCalendarProvider : ICalendarProvider
{
    public const string ProviderName = "microsoft";

    /// <summary>
    /// The single-value extended property that marks our events with the booking id. The GUID is this product's own
    /// property set; it never changes, or events pushed before would no longer be recognised.
    /// </summary>
    public const string BookingIdProperty = "String {6f0f3c52-8d3e-4b7a-9a61-2f5c1d7e4b90} Name BookingPortalBookingId";

    private const string GraphScope = "https://graph.microsoft.com/.default";

    private readonly MicrosoftSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly Lazy<GraphServiceClient> _graph;

    public MicrosoftCalendarProvider(IOptions<MicrosoftSyncOptions> options, IHttpMessageHandlerFactory handlers, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _graph = new Lazy<GraphServiceClient>(() => CreateClient(_options, handlers));
    }

    public string Name => ProviderName;

    public bool IsConfigured => _options.IsConfigured;

    public async Task<CalendarInfo> CheckCalendarAsync(string calendarId, CancellationToken ct)
    {
        var calendar = await CallAsync(calendarId, Target.Calendar,
            graph => graph.Users[calendarId].Calendar.GetAsync(cancellationToken: ct), ct);
        // The calendar itself is just "Calendar"; its owner is the room mailbox, named as the admin knows it.
        return new CalendarInfo(calendarId, calendar?.Owner?.Name ?? calendar?.Name ?? calendarId);
    }

    public async Task<PushedEvent> CreateAsync(string calendarId, OutgoingEvent outgoing, CancellationToken ct)
    {
        var created = await CallAsync(calendarId, Target.Calendar, graph =>
        {
            var body = ToEvent(outgoing);
            body.TransactionId = outgoing.DeliveryKey;
            body.SingleValueExtendedProperties =
                [new SingleValueLegacyExtendedProperty { Id = BookingIdProperty, Value = outgoing.BookingId.ToString() }];
            return graph.Users[calendarId].Calendar.Events.PostAsync(body, cancellationToken: ct);
        }, ct);
        return Pushed(created);
    }

    public async Task<PushedEvent> UpdateAsync(string calendarId, string externalId, OutgoingEvent outgoing, CancellationToken ct)
    {
        var updated = await CallAsync(calendarId, Target.Event,
            graph => graph.Users[calendarId].Events[externalId].PatchAsync(ToEvent(outgoing), cancellationToken: ct), ct);
        return Pushed(updated);
    }

    public Task DeleteAsync(string calendarId, string externalId, CancellationToken ct) =>
        CallAsync(calendarId, Target.Event,
            graph => UnlessGoneAsync(() => graph.Users[calendarId].Events[externalId].DeleteAsync(cancellationToken: ct)), ct);

    public async Task<PullPage> PullAsync(string calendarId, string? cursor, DateTimeOffset windowStartUtc, DateTimeOffset windowEndUtc,
        CancellationToken ct)
    {
        var page = await CallAsync(calendarId, Target.Delta, graph =>
        {
            var delta = graph.Users[calendarId].CalendarView.Delta;
            // A nextLink or deltaLink already encodes the window; only the first request of a full read names it.
            return (cursor is null ? delta : delta.WithUrl(cursor)).GetAsDeltaGetResponseAsync(request =>
            {
                if (cursor is null)
                {
                    request.QueryParameters.StartDateTime = windowStartUtc.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
                    request.QueryParameters.EndDateTime = windowEndUtc.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
                }

                request.Headers.Add("Prefer", $"odata.maxpagesize={_options.PullPageSize}", "outlook.timezone=\"UTC\"");
            }, ct);
        }, ct);
        if (page?.OdataNextLink is null && page?.OdataDeltaLink is null)
        {
            throw new CalendarSyncException(CalendarSyncFailure.Transient,
                $"Microsoft Graph answered a delta page for {calendarId} with neither a nextLink nor a deltaLink.");
        }

        return new PullPage((page.Value ?? []).Select(Pulled).ToList(), page.OdataNextLink,
            page.OdataNextLink is null ? page.OdataDeltaLink : null);
    }

    public async Task<CalendarSubscription> SubscribeAsync(string calendarId, Uri notificationUrl, string secret, CancellationToken ct)
    {
        var created = await CallAsync(calendarId, Target.Calendar, graph => graph.Subscriptions.PostAsync(new Subscription
        {
            ChangeType = "created,updated,deleted",
            NotificationUrl = notificationUrl.AbsoluteUri,
            LifecycleNotificationUrl = notificationUrl.AbsoluteUri,
            Resource = $"users/{calendarId}/events",
            ExpirationDateTime = _time.GetUtcNow() + _options.SubscriptionLifetime,
            ClientState = secret,
        }, cancellationToken: ct), ct);
        return ToSubscription(created);
    }

    public async Task<CalendarSubscription> RenewAsync(string calendarId, CalendarSubscription current, Uri notificationUrl, string secret,
        CancellationToken ct)
    {
        var renewed = await CallAsync(calendarId, Target.Calendar, graph => UnlessGoneAsync(() =>
            graph.Subscriptions[current.Id].PatchAsync(
                new Subscription { ExpirationDateTime = _time.GetUtcNow() + _options.SubscriptionLifetime }, cancellationToken: ct)), ct);
        // Graph drops a subscription it could not deliver to for long, or one past its expiry: one new subscription
        // serves the caller as well as the renewed one would.
        return renewed is null ? await SubscribeAsync(calendarId, notificationUrl, secret, ct) : ToSubscription(renewed);
    }

    public Task UnsubscribeAsync(CalendarSubscription subscription, CancellationToken ct) =>
        CallAsync(subscription.Id, Target.Calendar,
            graph => UnlessGoneAsync(() => graph.Subscriptions[subscription.Id].DeleteAsync(cancellationToken: ct)), ct);

    private static GraphServiceClient CreateClient(MicrosoftSyncOptions options, IHttpMessageHandlerFactory handlers)
    {
        if (!options.IsConfigured)
        {
            throw new CalendarSyncException(CalendarSyncFailure.BadCredentials,
                "Microsoft 365 sync is not configured: set Sync:Microsoft:TenantId, ClientId and ClientSecret.");
        }

        var credential = new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret, new ClientSecretCredentialOptions
        {
            AuthorityHost = options.Authority,
            // Instance discovery asks login.microsoftonline.com whether the authority is a known cloud; any other
            // sign-in host (a sovereign cloud, a fake) would fail that question.
            DisableInstanceDiscovery = !options.Authority.Host.Equals(AzureAuthorityHosts.AzurePublicCloud.Host, StringComparison.OrdinalIgnoreCase),
            Transport = new HttpClientTransport(handlers.CreateHandler(MicrosoftSyncSetup.HttpClientName)),
            Retry = { MaxRetries = 0, NetworkTimeout = options.RequestTimeout },
        });
        var http = GraphClientFactory.Create(
            GraphClientFactory.CreateDefaultHandlers().Where(handler => handler is not RetryHandler),
            finalHandler: handlers.CreateHandler(MicrosoftSyncSetup.HttpClientName));
        http.Timeout = options.RequestTimeout;
        // Without the configured host among the allowed ones, Kiota sends no token to anything but graph.microsoft.com.
        var authentication = new AzureIdentityAuthenticationProvider(credential, [options.GraphBaseUrl.Host], scopes: GraphScope);
        return new GraphServiceClient(http, authentication, options.GraphBaseUrl.AbsoluteUri.TrimEnd('/'));
    }

    /// <summary>
    /// Runs one Graph call, turning what went wrong into a <see cref="CalendarSyncException"/>. The body builds its
    /// request objects inside <paramref name="call"/>: a Kiota model sent once posts <c>{}</c> when sent again.
    /// </summary>
    private async Task<T> CallAsync<T>(string calendarId, Target target, Func<GraphServiceClient, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(_graph.Value);
        }
        catch (Exception e) when (MicrosoftSyncFailures.Classify(e, calendarId, target, _options, _time, ct) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Null when Graph answers 404: for deletes and renewals, something already gone is not a failure.</summary>
    private static async Task<T?> UnlessGoneAsync<T>(Func<Task<T?>> call) where T : class
    {
        try
        {
            return await call();
        }
        catch (ApiException e) when (e.ResponseStatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static Task<object?> UnlessGoneAsync(Func<Task> call) => UnlessGoneAsync<object>(async () =>
    {
        await call();
        return null;
    });

    private static Event ToEvent(OutgoingEvent outgoing) => new()
    {
        Subject = outgoing.Title,
        Start = Utc(outgoing.StartUtc),
        End = Utc(outgoing.EndUtc),
        ShowAs = FreeBusyStatus.Busy,
        Location = new Location { DisplayName = outgoing.ResourceName },
        Attendees =
        [
            new Attendee
            {
                Type = AttendeeType.Required,
                EmailAddress = new EmailAddress { Address = outgoing.OwnerEmail, Name = outgoing.OwnerName },
            },
        ],
    };

    private static DateTimeTimeZone Utc(DateTimeOffset instant) => new()
    {
        DateTime = instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        TimeZone = "UTC",
    };

    private static PushedEvent Pushed(Event? stored) =>
        new(stored?.Id ?? throw new CalendarSyncException(CalendarSyncFailure.Transient, "Microsoft Graph answered without the event."),
            ETag(stored));

    private static PulledEvent Pulled(Event item)
    {
        var removed = item.AdditionalData.ContainsKey("@removed") || item.IsCancelled == true;
        var marker = item.SingleValueExtendedProperties?
            .FirstOrDefault(p => string.Equals(p.Id, BookingIdProperty, StringComparison.OrdinalIgnoreCase))?.Value;
        return new PulledEvent(
            item.Id ?? throw new CalendarSyncException(CalendarSyncFailure.Transient, "Microsoft Graph answered a delta item without an id."),
            removed,
            removed ? null : Instant(item.Start),
            removed ? null : Instant(item.End),
            item.Subject,
            item.Organizer?.EmailAddress?.Name,
            item.Organizer?.EmailAddress?.Address,
            item.ShowAs == FreeBusyStatus.Free,
            Guid.TryParse(marker, out var bookingId) ? bookingId : null,
            ETag(item));
    }

    /// <summary>Pulls ask for UTC (<c>Prefer: outlook.timezone</c>); any other zone Graph names is converted.</summary>
    private static DateTimeOffset? Instant(DateTimeTimeZone? value)
    {
        if (value?.DateTime is null)
        {
            return null;
        }

        var local = DateTime.Parse(value.DateTime, CultureInfo.InvariantCulture, DateTimeStyles.None);
        var zone = value.TimeZone is null or "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(value.TimeZone);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
    }

    private static string? ETag(Event stored) =>
        stored.AdditionalData.TryGetValue("@odata.etag", out var etag) && etag is string text ? text : stored.ChangeKey;

    private static CalendarSubscription ToSubscription(Subscription? stored) => new(
        stored?.Id ?? throw new CalendarSyncException(CalendarSyncFailure.Transient, "Microsoft Graph answered without the subscription."),
        null,
        stored.ExpirationDateTime ?? throw new CalendarSyncException(CalendarSyncFailure.Transient,
            "Microsoft Graph answered a subscription without its expiry."));
}
