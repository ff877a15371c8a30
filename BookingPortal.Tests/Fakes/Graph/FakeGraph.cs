using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingPortal.Tests.Fakes.Graph;

/// <summary>
/// Microsoft Entra sign-in and Microsoft Graph v1.0 on one loopback Kestrel server over https (a certificate made for
/// it), speaking the documented wire format for what calendar sync uses: the client-credentials token endpoint, room
/// mailbox calendars and events (<c>transactionId</c> dedupe), <c>calendarView/delta</c> with nextLink/deltaLink and
/// <c>410</c>, subscriptions with the validation handshake and notifications. Faults are queued for the next Graph
/// requests; counters and the stored events are there for assertions.
/// </summary>
public sealed partial class FakeGraph : IAsyncDisposable
{
    public const string TenantId = "3f6b7c1e-2d4a-4e8f-9b0c-5a1d2e3f4a5b";
    public const string ClientId = "8a2c4e6f-1b3d-4f5a-8c7e-9d0b1a2c3e4f";
    public const string ClientSecret = "fake~graph~client~secret~value";

    private const int MaxSubscriptionMinutes = 10_080;

    private readonly FakeGraphStore _store = new();
    private readonly LoopbackCertificate _certificate = new();
    private readonly ConcurrentQueue<FakeGraphFault> _faults = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _unhandled = new();
    private readonly ConcurrentQueue<(Uri Url, HttpStatusCode Status)> _deliveries = new();
    private readonly ConcurrentDictionary<string, byte> _tokens = new();
    private readonly ConcurrentBag<Task> _backgroundDeliveries = [];
    private readonly HttpClient _webhooks = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly WebApplication _app;
    private int _tokenRequests;
    private int _handshakes;

    private FakeGraph()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate.Certificate)));
        _app = builder.Build();
        _app.Use(GraphGateAsync);
        MapSignIn();
        MapCalendars();
        MapSubscriptions();
        _app.MapFallback(context =>
        {
            _unhandled.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            return Error(400, "BadRequest", $"Resource not found for the segment '{context.Request.Path}'.").ExecuteAsync(context);
        });
        _store.Changed += NotifySubscribers;
    }

    public static async Task<FakeGraph> StartAsync()
    {
        var fake = new FakeGraph();
        await fake._app.StartAsync();
        fake.Origin = new Uri(fake._app.Urls.Single());
        return fake;
    }

    /// <summary>The sign-in host, for <c>Sync:Microsoft:Authority</c>.</summary>
    public Uri Authority => new(Origin, "/");

    /// <summary>The Graph root, for <c>Sync:Microsoft:GraphBaseUrl</c>.</summary>
    public Uri GraphBaseUrl => new(Origin, "/v1.0");

    /// <summary>Events per delta page when the client sends no <c>Prefer: odata.maxpagesize</c> (Graph's default is 10).</summary>
    public int DefaultPageSize { get; set; } = 10;

    public int TokenRequests => _tokenRequests;

    public int TokensIssued => _tokens.Count;

    /// <summary>Validation requests sent to notification URLs.</summary>
    public int Handshakes => _handshakes;

    /// <summary>Every Graph request received, as "METHOD /v1.0/path?query" (decoded).</summary>
    public IReadOnlyList<string> Requests => _requests.ToList();

    /// <summary>Requests no route of the fake knows: a client asking for something the fake (or Graph) lacks.</summary>
    public IReadOnlyList<string> Unhandled => _unhandled.ToList();

    /// <summary>Notifications and lifecycle notifications posted, with what the endpoint answered.</summary>
    public IReadOnlyList<(Uri Url, HttpStatusCode Status)> Deliveries => _deliveries.ToList();

    private Uri Origin { get; set; } = null!;

    /// <summary>A client handler that trusts this fake's certificate (and no other).</summary>
    public HttpMessageHandler CreateTrustingHandler() => _certificate.CreateTrustingHandler();

    public void AddRoom(string address, string displayName, MailboxAccess access = MailboxAccess.Allowed) =>
        _store.AddMailbox(address, displayName, access);

    /// <summary>The next Graph requests (not sign-in) meet these faults, one each, in order.</summary>
    public void FailNext(params FakeGraphFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>As if Graph could not reach the app (a firewall, a wrong public address): every new subscription fails its validation.</summary>
    public bool NotificationEndpointUnreachable { get; set; }

    /// <summary>Asked for a fault for each Graph request when none is queued (a benchmark's random share of failures).</summary>
    public Func<FakeGraphFault?>? FaultSource { get; set; }

    /// <summary>How many Graph requests had this method and a path (with query) containing the text.</summary>
    public int Count(string method, string pathContains) =>
        _requests.Count(r => r.StartsWith(method + " ", StringComparison.Ordinal) && r.Contains(pathContains, StringComparison.OrdinalIgnoreCase));

    public IReadOnlyList<FakeGraphEvent> Events(string room) => _store.Events(room);

    /// <summary>Someone books the room in Outlook: an event on its calendar that the app did not push.</summary>
    public FakeGraphEvent CreateEventAsOrganizer(string room, string subject, DateTimeOffset start, DateTimeOffset end,
        string organizerName, string organizerAddress, string showAs = "busy") =>
        _store.Create(new FakeGraphEvent("", room, subject, start, end)
        {
            OrganizerName = organizerName,
            OrganizerAddress = organizerAddress,
            ShowAs = showAs,
            Attendees = [new FakeGraphAttendee(room, _store.DisplayName(room), "resource")],
        });

    public FakeGraphEvent MoveEvent(string room, string id, DateTimeOffset start, DateTimeOffset end) =>
        _store.Update(room, id, e => e with { Start = start, End = end }) ?? throw new InvalidOperationException($"No event {id} in {room}.");

    public void DeleteEvent(string room, string id)
    {
        if (!_store.Delete(room, id))
        {
            throw new InvalidOperationException($"No event {id} in {room}.");
        }
    }

    /// <summary>Forgets every nextLink and deltaLink given: their next use answers 410 syncStateNotFound.</summary>
    public void InvalidateDeltaTokens() => _store.InvalidateDeltaTokens();

    /// <summary>What "now" is when an expiry is checked: a test whose app runs on a manual clock gives it that clock.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public IReadOnlyList<FakeGraphSubscription> Subscriptions(string? room = null) => _store.Subscriptions(room);

    /// <summary>Graph deletes a subscription on its own (expired, or its endpoint failed too long).</summary>
    public void DropSubscription(string id) => _store.RemoveSubscription(id);

    /// <summary>Posts a change notification for one event to the subscription's notification URL.</summary>
    public Task<HttpStatusCode> NotifyChangeAsync(string subscriptionId, string changeType, string eventId)
    {
        var subscription = _store.Subscription(subscriptionId) ?? throw new InvalidOperationException($"No subscription {subscriptionId}.");
        var resource = $"Users/{subscription.Mailbox}/Events/{eventId}";
        return DeliverAsync(subscription.NotificationUrl, Notification(subscription, new JsonObject
        {
            ["changeType"] = changeType,
            ["resource"] = resource,
            ["resourceData"] = new JsonObject
            {
                ["@odata.type"] = "#Microsoft.Graph.Event",
                ["@odata.id"] = resource,
                ["id"] = eventId,
            },
        }));
    }

    /// <summary>Posts a lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed).</summary>
    public Task<HttpStatusCode> NotifyLifecycleAsync(string subscriptionId, string lifecycleEvent)
    {
        var subscription = _store.Subscription(subscriptionId) ?? throw new InvalidOperationException($"No subscription {subscriptionId}.");
        return DeliverAsync(subscription.LifecycleNotificationUrl ?? subscription.NotificationUrl,
            Notification(subscription, new JsonObject { ["lifecycleEvent"] = lifecycleEvent }));
    }

    public async ValueTask DisposeAsync()
    {
        _store.Changed -= NotifySubscribers;
        await Task.WhenAll(_backgroundDeliveries);
        await _app.StopAsync();
        await _app.DisposeAsync();
        _webhooks.Dispose();
        _certificate.Dispose();
    }

    /// <summary>Records Graph requests, checks their token and plays the queued faults before any route runs.</summary>
    private async Task GraphGateAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/v1.0"))
        {
            await next(context);
            return;
        }

        _requests.Enqueue($"{context.Request.Method} {context.Request.Path}{Uri.UnescapeDataString(context.Request.QueryString.Value ?? "")}");
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.ContainsKey(authorization["Bearer ".Length..]))
        {
            await Error(401, "InvalidAuthenticationToken", "Access token is empty or not valid.").ExecuteAsync(context);
            return;
        }

        switch (_faults.TryDequeue(out var fault) ? fault : FaultSource?.Invoke())
        {
            case FakeGraphFault.Status status:
                if (status.RetryAfter is { } wait)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await Error(status.Code, status.ErrorCode, "The fake was told to fail this request.").ExecuteAsync(context);
                return;
            case FakeGraphFault.LoseAnswer:
                // The route runs and stores; what it writes goes nowhere and the connection drops, as an answer lost
                // to a timeout or a broken link.
                context.Response.Body = new MemoryStream();
                await next(context);
                context.Abort();
                return;
            case FakeGraphFault.Delay delay:
                await Task.Delay(delay.Wait, context.RequestAborted);
                break;
        }

        await next(context);
    }

    private void MapSignIn() => _app.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpRequest request) =>
    {
        Interlocked.Increment(ref _tokenRequests);
        var form = await request.ReadFormAsync();
        if (!string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase))
        {
            return SignInError(400, "invalid_request", 90002, $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID.");
        }

        if (form["grant_type"] != "client_credentials")
        {
            return SignInError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
        }

        if (form["client_id"] != ClientId)
        {
            return SignInError(400, "unauthorized_client", 700016,
                $"Application with identifier '{form["client_id"]}' was not found in the directory '{tenant}'.");
        }

        if (form["client_secret"] != ClientSecret)
        {
            return SignInError(401, "invalid_client", 7000215,
                $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{ClientId}'.");
        }

        if (!form["scope"].ToString().Split(' ').Any(scope => scope.EndsWith("/.default", StringComparison.Ordinal)))
        {
            return SignInError(400, "invalid_scope", 1002012,
                "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
        }

        var token = "fake-graph-token-" + Guid.NewGuid().ToString("N");
        _tokens[token] = 0;
        return Results.Json(new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = 3599,
            ["ext_expires_in"] = 3599,
            ["access_token"] = token,
        });
    });

    private void MapCalendars()
    {
        _app.MapGet("/v1.0/users/{user}/calendar", (string user) => Refused(user) ?? Results.Json(_store.Calendar(user)));
        _app.MapPost("/v1.0/users/{user}/calendar/events", CreateEventAsync);
        _app.MapPost("/v1.0/users/{user}/events", CreateEventAsync);
        foreach (var pattern in (string[])["/v1.0/users/{user}/events/{id}", "/v1.0/users/{user}/calendar/events/{id}"])
        {
            _app.MapGet(pattern, (string user, string id, HttpRequest request) => Refused(user) ?? (_store.Find(user, id) is { } e
                ? Results.Json(FakeGraphStore.Render(e, request.Query["$expand"].ToString().Contains("singleValueExtendedProperties", StringComparison.OrdinalIgnoreCase)))
                : ItemNotFound()));
            _app.MapPatch(pattern, UpdateEventAsync);
            _app.MapDelete(pattern, (string user, string id) =>
                Refused(user) ?? (_store.Delete(user, id) ? Results.NoContent() : ItemNotFound()));
        }

        // The SDK calls the function as OData writes it, delta(); Graph's own links leave the parentheses out.
        _app.MapGet("/v1.0/users/{user}/calendarView/delta", Delta);
        _app.MapGet("/v1.0/users/{user}/calendarView/delta()", Delta);
    }

    private async Task<IResult> CreateEventAsync(string user, HttpRequest request)
    {
        if (Refused(user) is { } refused)
        {
            return refused;
        }

        if (await BodyAsync(request) is not { } body || body["start"] is not JsonObject || body["end"] is not JsonObject)
        {
            return Error(400, "ErrorInvalidRequest", "An event needs a start and an end.");
        }

        var draft = Apply(new FakeGraphEvent("", user, "", default, default)
        {
            OrganizerName = _store.DisplayName(user),
            OrganizerAddress = user,
            TransactionId = body["transactionId"]?.GetValue<string>(),
        }, body);
        return Results.Json(Entity(FakeGraphStore.Render(_store.Create(draft), withExtendedProperties: false), user), statusCode: 201);
    }

    private async Task<IResult> UpdateEventAsync(string user, string id, HttpRequest request)
    {
        if (Refused(user) is { } refused)
        {
            return refused;
        }

        if (await BodyAsync(request) is not { } body)
        {
            return Error(400, "ErrorInvalidRequest", "The body is not a JSON object.");
        }

        if (body["transactionId"] is { } transactionId && _store.Find(user, id) is { } current
            && transactionId.GetValue<string>() != current.TransactionId)
        {
            return Error(400, "ErrorInvalidRequest", "The transactionId of an event cannot be changed.");
        }

        return _store.Update(user, id, e => Apply(e, body)) is { } updated
            ? Results.Json(Entity(FakeGraphStore.Render(updated, withExtendedProperties: false), user))
            : ItemNotFound();
    }

    private IResult Delta(string user, HttpRequest request)
    {
        if (Refused(user) is { } refused)
        {
            return refused;
        }

        var pageSize = MaxPageSize(request.Headers["Prefer"].ToArray()) ?? DefaultPageSize;
        var linkBase = $"{GraphBaseUrl}/users/{user}/calendarView/delta";
        var query = request.Query;
        JsonObject? page;
        if (query.TryGetValue("$skiptoken", out var skipToken))
        {
            page = _store.ContinueDelta(skipToken.ToString(), pageSize, linkBase);
        }
        else if (query.TryGetValue("$deltatoken", out var deltaToken))
        {
            page = _store.IncrementalDelta(deltaToken.ToString(), pageSize, linkBase);
        }
        else if (DateTimeOffset.TryParse(query["startDateTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from)
                 && DateTimeOffset.TryParse(query["endDateTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var to))
        {
            page = _store.StartDelta(user, from, to, pageSize, linkBase);
        }
        else
        {
            return Error(400, "ErrorInvalidParameter", "A calendarView delta needs startDateTime and endDateTime.");
        }

        if (page is null)
        {
            return Error(410, "syncStateNotFound", "The sync state generation is not found. Start a new round of synchronization.");
        }

        request.HttpContext.Response.Headers["Preference-Applied"] = $"odata.maxpagesize={pageSize}";
        return Results.Json(page);
    }

    private void MapSubscriptions()
    {
        _app.MapPost("/v1.0/subscriptions", CreateSubscriptionAsync);
        _app.MapPatch("/v1.0/subscriptions/{id}", async (string id, HttpRequest request) =>
        {
            if (await BodyAsync(request) is not { } body || Expiry(body) is not { } expires)
            {
                return ExpiryError();
            }

            return _store.Renew(id, expires) is { } renewed ? Results.Json(Render(renewed)) : SubscriptionNotFound(id);
        });
        _app.MapDelete("/v1.0/subscriptions/{id}", (string id) =>
            _store.RemoveSubscription(id) ? Results.NoContent() : SubscriptionNotFound(id));
    }

    private async Task<IResult> CreateSubscriptionAsync(HttpRequest request)
    {
        if (await BodyAsync(request) is not { } body)
        {
            return Error(400, "InvalidRequest", "The body is not a JSON object.");
        }

        var resource = body["resource"]?.GetValue<string>() ?? "";
        var match = EventsResource().Match(resource);
        if (!match.Success)
        {
            return Error(400, "InvalidRequest", $"The resource '{resource}' cannot be subscribed to here.");
        }

        var mailbox = Uri.UnescapeDataString(match.Groups["mailbox"].Value);
        if (Refused(mailbox) is { } refused)
        {
            return refused;
        }

        if (Expiry(body) is not { } expires)
        {
            return ExpiryError();
        }

        if (!Uri.TryCreate(body["notificationUrl"]?.GetValue<string>(), UriKind.Absolute, out var notificationUrl))
        {
            return Error(400, "InvalidRequest", "notificationUrl must be an absolute URL.");
        }

        Uri? lifecycleUrl = null;
        if (body["lifecycleNotificationUrl"]?.GetValue<string>() is { } lifecycle && !Uri.TryCreate(lifecycle, UriKind.Absolute, out lifecycleUrl))
        {
            return Error(400, "InvalidRequest", "lifecycleNotificationUrl must be an absolute URL.");
        }

        foreach (var url in new[] { notificationUrl, lifecycleUrl }.OfType<Uri>().Distinct())
        {
            if (NotificationEndpointUnreachable || !await HandshakeAsync(url))
            {
                return Error(400, "ValidationError",
                    "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
            }
        }

        var subscription = _store.AddSubscription(new FakeGraphSubscription(Guid.NewGuid().ToString(), mailbox, resource,
            body["changeType"]?.GetValue<string>() ?? "", notificationUrl, lifecycleUrl, body["clientState"]?.GetValue<string>(), expires));
        return Results.Json(Render(subscription), statusCode: 201);
    }

    /// <summary>
    /// Graph's check that the endpoint is the app's: a POST with <c>validationToken</c> (spaces and colons in it, so
    /// it must be URL-decoded) that must come back as a 200 <c>text/plain</c> body within 10 seconds.
    /// </summary>
    private async Task<bool> HandshakeAsync(Uri url)
    {
        Interlocked.Increment(ref _handshakes);
        var token = $"Validation: Testing client application reachability for subscription Request-Id: {Guid.NewGuid()}";
        var separator = string.IsNullOrEmpty(url.Query) ? "?" : "&";
        try
        {
            using var response = await _webhooks.PostAsync($"{url.AbsoluteUri}{separator}validationToken={Uri.EscapeDataString(token)}",
                new StringContent("", Encoding.UTF8, "text/plain"));
            return response.StatusCode == HttpStatusCode.OK
                   && response.Content.Headers.ContentType?.MediaType == "text/plain"
                   && await response.Content.ReadAsStringAsync() == token;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Every change of an event is posted to the subscriptions on its mailbox, as Graph does.</summary>
    private void NotifySubscribers(string mailbox, string eventId, string changeType)
    {
        foreach (var subscription in _store.Subscriptions(mailbox).Where(s => s.ChangeType.Split(',').Contains(changeType)))
        {
            _backgroundDeliveries.Add(Task.Run(() => NotifyChangeAsync(subscription.Id, changeType, eventId)));
        }
    }

    private async Task<HttpStatusCode> DeliverAsync(Uri url, JsonObject body)
    {
        HttpStatusCode status;
        try
        {
            using var response = await _webhooks.PostAsync(url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            status = response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            status = HttpStatusCode.ServiceUnavailable;
        }

        _deliveries.Enqueue((url, status));
        return status;
    }

    private static JsonObject Notification(FakeGraphSubscription subscription, JsonObject item)
    {
        item["subscriptionId"] = subscription.Id;
        item["subscriptionExpirationDateTime"] = subscription.Expires.ToString("o", CultureInfo.InvariantCulture);
        item["clientState"] = subscription.ClientState;
        item["tenantId"] = TenantId;
        return new JsonObject { ["value"] = new JsonArray(item) };
    }

    private static JsonObject Render(FakeGraphSubscription s) => new()
    {
        ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
        ["id"] = s.Id,
        ["resource"] = s.Resource,
        ["applicationId"] = ClientId,
        ["changeType"] = s.ChangeType,
        ["clientState"] = s.ClientState,
        ["notificationUrl"] = s.NotificationUrl.AbsoluteUri,
        ["lifecycleNotificationUrl"] = s.LifecycleNotificationUrl?.AbsoluteUri,
        ["expirationDateTime"] = s.Expires.ToString("o", CultureInfo.InvariantCulture),
        ["creatorId"] = ClientId,
        ["latestSupportedTlsVersion"] = "v1_2",
    };

    /// <summary>The fields of a create or PATCH body, over what the event had: PATCH changes only what it names.</summary>
    private static FakeGraphEvent Apply(FakeGraphEvent e, JsonObject body)
    {
        if (body["subject"] is { } subject)
        {
            e = e with { Subject = subject.GetValue<string>() };
        }

        if (body["start"] is JsonObject start)
        {
            e = e with { Start = Instant(start) };
        }

        if (body["end"] is JsonObject end)
        {
            e = e with { End = Instant(end) };
        }

        if (body["showAs"] is { } showAs)
        {
            e = e with { ShowAs = showAs.GetValue<string>() };
        }

        if (body["location"]?["displayName"] is { } location)
        {
            e = e with { Location = location.GetValue<string>() };
        }

        if (body["attendees"] is JsonArray attendees)
        {
            e = e with
            {
                Attendees = attendees.OfType<JsonObject>().Select(a => new FakeGraphAttendee(
                    a["emailAddress"]?["address"]?.GetValue<string>() ?? "",
                    a["emailAddress"]?["name"]?.GetValue<string>(),
                    a["type"]?.GetValue<string>() ?? "required")).ToList(),
            };
        }

        if (body["singleValueExtendedProperties"] is JsonArray properties)
        {
            var merged = e.ExtendedProperties.ToDictionary(StringComparer.OrdinalIgnoreCase);
            foreach (var property in properties.OfType<JsonObject>())
            {
                merged[property["id"]!.GetValue<string>()] = property["value"]?.GetValue<string>() ?? "";
            }

            e = e with { ExtendedProperties = merged };
        }

        return e;
    }

    /// <summary>A <c>dateTimeTimeZone</c>: wall-clock time in the named zone (UTC or any zone the machine knows).</summary>
    private static DateTimeOffset Instant(JsonObject value)
    {
        var local = DateTime.Parse(value["dateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None);
        var zoneName = value["timeZone"]?.GetValue<string>() ?? "UTC";
        var zone = zoneName == "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone));
    }

    private DateTimeOffset? Expiry(JsonObject body)
    {
        var now = Clock.GetUtcNow();
        return DateTimeOffset.TryParse(body["expirationDateTime"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires)
               && expires > now && expires <= now.AddMinutes(MaxSubscriptionMinutes)
            ? expires
            : null;
    }

    private static IResult ExpiryError() => Error(400, "ExtensionError",
        $"Subscription expiration can only be up to {MaxSubscriptionMinutes} minutes in the future and not in the past.");

    private static int? MaxPageSize(string?[] prefer) => prefer
        .SelectMany(header => (header ?? "").Split(','))
        .Select(preference => preference.Trim())
        .Where(preference => preference.StartsWith("odata.maxpagesize=", StringComparison.OrdinalIgnoreCase))
        .Select(preference => int.TryParse(preference["odata.maxpagesize=".Length..], out var size) && size > 0 ? size : (int?)null)
        .FirstOrDefault();

    private static async Task<JsonObject?> BodyAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private IResult? Refused(string mailbox) => _store.Refusal(mailbox) is var (status, code, message) ? Error(status, code, message) : null;

    private static JsonObject Entity(JsonObject json, string user)
    {
        json["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#users('{user}')/events/$entity";
        return json;
    }

    private static IResult ItemNotFound() => Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");

    private static IResult SubscriptionNotFound(string id) => Error(404, "ResourceNotFound", $"The object '{id}' was not found.");

    private static IResult Error(int status, string code, string message) => Results.Json(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject
            {
                ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                ["request-id"] = Guid.NewGuid().ToString(),
                ["client-request-id"] = Guid.NewGuid().ToString(),
            },
        },
    }, statusCode: status);

    /// <summary>Entra's error body: <c>error</c>, an <c>AADSTS</c> description and its number, trace ids.</summary>
    private static IResult SignInError(int status, string error, int code, string description)
    {
        var trace = Guid.NewGuid();
        return Results.Json(new JsonObject
        {
            ["error"] = error,
            ["error_description"] = $"AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {Guid.NewGuid()} Timestamp: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ssZ}",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ", CultureInfo.InvariantCulture),
            ["trace_id"] = trace.ToString(),
            ["correlation_id"] = Guid.NewGuid().ToString(),
            ["error_uri"] = $"https://login.microsoftonline.com/error?code={code}",
        }, statusCode: status);
    }

    [GeneratedRegex("^/?users/(?<mailbox>[^/]+)/(calendar/)?events$", RegexOptions.IgnoreCase)]
    private static partial Regex EventsResource();
}
