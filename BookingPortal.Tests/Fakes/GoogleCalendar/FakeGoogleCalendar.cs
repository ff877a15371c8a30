using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace BookingPortal.Tests.Fakes.GoogleCalendar;

public enum FakeCalendarAccess
{
    /// <summary>The impersonated user may change events.</summary>
    Writer,
    /// <summary>Reads work; writes are 403 <c>requiredAccessLevel</c>.</summary>
    Reader,
    /// <summary>Every call is 403 <c>forbidden</c>.</summary>
    Forbidden,
}

/// <summary>
/// Google's OAuth token endpoint and the part of Calendar v3 the sync uses, on loopback Kestrel, speaking the
/// documented wire format: the JWT-bearer grant (assertion signature, audience, expiry and scope checked against
/// trusted service accounts), calendars.get, events insert (client-chosen base32hex ids, 409 <c>duplicate</c>),
/// get, patch, update, delete (kept as <c>cancelled</c>, 410 on a second delete), list with <c>pageToken</c> paging
/// and <c>syncToken</c> increments (410 <c>fullSyncRequired</c> once expired), events.watch and channels.stop, and
/// push notifications to a channel's address. Faults queue up for the next API requests.
/// </summary>
public sealed partial class FakeGoogleCalendar : IAsyncDisposable
{
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string CalendarScope = "https://www.googleapis.com/auth/calendar";

    /// <summary>Google wants its own token URL as the audience, wherever the assertion is posted (Google.Apis.Auth sends it so).</summary>
    private const string GoogleTokenAudience = "https://oauth2.googleapis.com/token";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly HttpClient _notifier = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, RSA> _trusted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeCalendar> _calendars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _syncTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ListSnapshot> _pages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Channel> _channels = new(StringComparer.Ordinal);
    private readonly List<(Func<string, bool> Matches, FakeGoogleFault Fault)> _faults = [];
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentBag<Task> _deliveries = [];
    private long _version;
    private int _creates;
    private int _tokenGrants;
    private int _channelStops;
    private bool _delegationRevoked;

    private FakeGoogleCalendar(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
        Map(app);
    }

    public static async Task<FakeGoogleCalendar> StartAsync(TimeProvider? time = null)
    {
        var fake = new FakeGoogleCalendar(LoopbackKestrel.Create(), time ?? TimeProvider.System);
        fake.BaseUri = await LoopbackKestrel.StartAsync(fake._app);
        return fake;
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Where <c>Sync:Google:TokenUrl</c> points.</summary>
    public string TokenUrl => new Uri(BaseUri, "token").AbsoluteUri;

    /// <summary>Where <c>Sync:Google:ApiBaseUrl</c> points.</summary>
    public string ApiBaseUrl => new Uri(BaseUri, "calendar/v3/").AbsoluteUri;

    /// <summary>The largest page a list answers with, whatever <c>maxResults</c> asks for.</summary>
    public int MaxPageSize { get; set; } = 250;

    /// <summary>Post <c>sync</c> to each new channel and <c>exists</c> after every change of its calendar, as Google does.</summary>
    public bool NotifyAutomatically { get; set; }

    /// <summary>Successful event inserts since the start.</summary>
    public int Creates => Volatile.Read(ref _creates);

    public int TokenGrants => Volatile.Read(ref _tokenGrants);

    public int ChannelStops => Volatile.Read(ref _channelStops);

    /// <summary>Every API request as "METHOD path?query", in arrival order (token requests not included).</summary>
    public IReadOnlyList<string> Requests => _requests.ToList();

    /// <summary>Accepts assertions signed by this account's key, as if its key had been registered with Google.</summary>
    public void Trust(FakeServiceAccount account)
    {
        lock (_gate)
        {
            _trusted[account.ClientEmail] = account.Key;
        }
    }

    /// <summary>The Workspace admin withdraws the domain-wide delegation: token requests for a user become <c>unauthorized_client</c>.</summary>
    public void RevokeDelegation()
    {
        lock (_gate)
        {
            _delegationRevoked = true;
            _tokens.Clear();
        }
    }

    public void AddCalendar(string calendarId, string summary, FakeCalendarAccess access = FakeCalendarAccess.Writer, string timeZone = "Europe/Berlin")
    {
        lock (_gate)
        {
            _calendars[calendarId] = new FakeCalendar(calendarId, summary, timeZone) { Access = access };
        }
    }

    public void SetAccess(string calendarId, FakeCalendarAccess access)
    {
        lock (_gate)
        {
            _calendars[calendarId].Access = access;
        }
    }

    /// <summary>Asked for a fault for each API request that no queued fault matched (a benchmark's random share of failures).</summary>
    public Func<string, FakeGoogleFault?>? FaultSource { get; set; }

    /// <summary>The next <paramref name="times"/> API requests get <paramref name="fault"/>.</summary>
    public void Fail(FakeGoogleFault fault, int times = 1) => FailWhere(_ => true, fault, times);

    /// <summary>The next <paramref name="times"/> API requests whose "METHOD path?query" <paramref name="matches"/> get <paramref name="fault"/>.</summary>
    public void FailWhere(Func<string, bool> matches, FakeGoogleFault fault, int times = 1)
    {
        lock (_gate)
        {
            _faults.AddRange(Enumerable.Repeat((matches, fault), times));
        }
    }

    /// <summary>Every sync token issued so far answers 410 from now on, as when Google drops old sync state.</summary>
    public void ExpireSyncTokens()
    {
        lock (_gate)
        {
            _syncTokens.Clear();
        }
    }

    /// <summary>The calendar's events that are not cancelled.</summary>
    public IReadOnlyList<FakeGoogleEvent> Events(string calendarId)
    {
        lock (_gate)
        {
            return _calendars[calendarId].Events.Values.Where(e => (string?)e["status"] != "cancelled").Select(FakeGoogleEvent.From).ToList();
        }
    }

    /// <summary>The event as stored, cancelled ones included; null when it never existed or was purged.</summary>
    public FakeGoogleEvent? Find(string calendarId, string eventId)
    {
        lock (_gate)
        {
            return _calendars[calendarId].Events.TryGetValue(eventId, out var e) ? FakeGoogleEvent.From(e) : null;
        }
    }

    /// <summary>Someone books the room in Google Calendar itself (the room is an attendee; they organise it).</summary>
    public string CreateEventDirectly(string calendarId, string organizerEmail, string summary, DateTimeOffset start, DateTimeOffset end,
        string? organizerName = null, bool free = false)
    {
        return StoreDirectly(calendarId, new JsonObject
        {
            ["summary"] = summary,
            ["start"] = FakeGoogleTimes.At(start),
            ["end"] = FakeGoogleTimes.At(end),
            ["transparency"] = free ? "transparent" : "opaque",
            ["organizer"] = new JsonObject { ["email"] = organizerEmail, ["displayName"] = organizerName },
            ["attendees"] = new JsonArray(new JsonObject { ["email"] = calendarId, ["resource"] = true, ["self"] = true, ["responseStatus"] = "accepted" }),
        });
    }

    /// <summary>An all-day event (<c>date</c> rather than <c>dateTime</c>), say the room blocked for a fair.</summary>
    public string CreateAllDayEventDirectly(string calendarId, string organizerEmail, string summary, DateOnly day)
    {
        return StoreDirectly(calendarId, new JsonObject
        {
            ["summary"] = summary,
            ["start"] = new JsonObject { ["date"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            ["end"] = new JsonObject { ["date"] = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            ["organizer"] = new JsonObject { ["email"] = organizerEmail },
        });
    }

    public void MoveEventDirectly(string calendarId, string eventId, DateTimeOffset start, DateTimeOffset end) =>
        Change(calendarId, calendar => Store(calendar, Merge(calendar.Events[eventId], new JsonObject
        {
            ["start"] = FakeGoogleTimes.At(start),
            ["end"] = FakeGoogleTimes.At(end),
        })));

    public void DeleteEventDirectly(string calendarId, string eventId) =>
        Change(calendarId, calendar => Store(calendar, Merge(calendar.Events[eventId], new JsonObject { ["status"] = "cancelled" })));

    /// <summary>The event disappears altogether, as long-deleted events do: a get or patch is then 404.</summary>
    public void PurgeEvent(string calendarId, string eventId)
    {
        lock (_gate)
        {
            _calendars[calendarId].Events.Remove(eventId);
        }
    }

    /// <summary>The channels currently open on a calendar.</summary>
    public IReadOnlyList<string> Channels(string calendarId)
    {
        lock (_gate)
        {
            return _channels.Values.Where(c => c.CalendarId == calendarId).Select(c => c.Id).ToList();
        }
    }

    /// <summary>Posts one push notification on a channel, as Google does, and returns how its address answered.</summary>
    public async Task<HttpStatusCode> NotifyAsync(string channelId, string resourceState = "exists")
    {
        Channel channel;
        long number;
        lock (_gate)
        {
            channel = _channels[channelId];
            number = ++channel.MessageNumber;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Address);
        request.Headers.Add("X-Goog-Channel-ID", channel.Id);
        if (channel.Token is not null)
        {
            request.Headers.Add("X-Goog-Channel-Token", channel.Token);
        }

        request.Headers.Add("X-Goog-Channel-Expiration", channel.Expires.ToString("R", CultureInfo.InvariantCulture));
        request.Headers.Add("X-Goog-Message-Number", number.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Goog-Resource-ID", channel.ResourceId);
        request.Headers.Add("X-Goog-Resource-URI", new Uri(new Uri(ApiBaseUrl), $"calendars/{Uri.EscapeDataString(channel.CalendarId)}/events?alt=json").AbsoluteUri);
        request.Headers.Add("X-Goog-Resource-State", resourceState);
        request.Content = new ByteArrayContent([]);
        using var response = await _notifier.SendAsync(request);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        // Automatic notifications still under way end with the listener they were posting to.
        await Task.WhenAll(_deliveries.Select(d => d.ContinueWith(_ => { }, TaskScheduler.Default)));
        _notifier.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/token", IssueTokenAsync);
        const string calendar = "/calendar/v3/calendars/{calendarId}";
        app.MapGet(calendar, (HttpContext ctx, string calendarId) => ServeAsync(ctx, calendarId, write: false, (c, _) => Reply.Json(new JsonObject
        {
            ["kind"] = "calendar#calendar",
            ["etag"] = $"\"c{c.Id.GetHashCode():x}\"",
            ["id"] = c.Id,
            ["summary"] = c.Summary,
            ["timeZone"] = c.TimeZone,
        })));
        app.MapPost(calendar + "/events", (HttpContext ctx, string calendarId) => ServeAsync(ctx, calendarId, write: true, Insert));
        app.MapGet(calendar + "/events", (HttpContext ctx, string calendarId) => ServeAsync(ctx, calendarId, write: false, (c, _) => List(c, ctx.Request.Query)));
        app.MapPost(calendar + "/events/watch", (HttpContext ctx, string calendarId) => ServeAsync(ctx, calendarId, write: false, Watch));
        const string oneEvent = calendar + "/events/{eventId}";
        app.MapGet(oneEvent, (HttpContext ctx, string calendarId, string eventId) => ServeAsync(ctx, calendarId, write: false,
            (c, _) => c.Events.TryGetValue(eventId, out var e) ? Reply.Json(WithoutBookkeeping(e)) : Reply.Error(404, "notFound", "Not Found")));
        app.MapPatch(oneEvent, (HttpContext ctx, string calendarId, string eventId) => ServeAsync(ctx, calendarId, write: true,
            (c, body) => Rewrite(c, eventId, existing => Merge(existing, body))));
        app.MapPut(oneEvent, (HttpContext ctx, string calendarId, string eventId) => ServeAsync(ctx, calendarId, write: true,
            (c, body) => Rewrite(c, eventId, _ => body)));
        app.MapDelete(oneEvent, (HttpContext ctx, string calendarId, string eventId) => ServeAsync(ctx, calendarId, write: true, (c, _) => Delete(c, eventId)));
        app.MapPost("/calendar/v3/channels/stop", (HttpContext ctx) => ServeAsync(ctx, null, write: false, (_, body) => Stop(body)));
    }

    private async Task IssueTokenAsync(HttpContext ctx)
    {
        var form = await ctx.Request.ReadFormAsync();
        var (status, answer) = Grant(form["grant_type"].ToString(), form["assertion"].ToString());
        await WriteAsync(ctx, Reply.Json(answer, status));
    }

    /// <summary>RFC 7523 as Google runs it: the assertion is an RS256 JWT from a known service account, for Google's token endpoint, not expired.</summary>
    private (int Status, JsonObject Answer) Grant(string grantType, string assertion)
    {
        static (int, JsonObject) Refuse(int status, string error, string description) =>
            (status, new JsonObject { ["error"] = error, ["error_description"] = description });

        if (grantType != JwtBearerGrant)
        {
            return Refuse(400, "unsupported_grant_type", "Invalid grant_type: " + grantType);
        }

        var parts = assertion.Split('.');
        JsonNode? header, claims;
        try
        {
            header = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[0]));
            claims = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1]));
        }
        catch (Exception e) when (e is FormatException or JsonException or IndexOutOfRangeException)
        {
            return Refuse(400, "invalid_grant", "Invalid JWT.");
        }

        lock (_gate)
        {
            var issuer = (string?)claims?["iss"] ?? "";
            if ((string?)header?["alg"] != "RS256" || parts.Length != 3 || !_trusted.TryGetValue(issuer, out var key)
                || !key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), WebEncoders.Base64UrlDecode(parts[2]),
                    HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return Refuse(400, "invalid_grant", "Invalid JWT Signature.");
            }

            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            if ((string?)claims!["aud"] is not GoogleTokenAudience || (long?)claims["exp"] is not { } exp || exp < now || (long?)claims["iat"] > now + 300)
            {
                return Refuse(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.");
            }

            if (((string?)claims["scope"] ?? "").Split(' ').All(s => s != CalendarScope))
            {
                return Refuse(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
            }

            if (claims["sub"] is not null && _delegationRevoked)
            {
                return Refuse(401, "unauthorized_client", "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.");
            }

            var token = "ya29.fake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            _tokens[token] = (string?)claims["sub"] ?? issuer;
            _tokenGrants++;
            return (200, new JsonObject { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" });
        }
    }

    /// <summary>One API request: a queued fault, the bearer token, the calendar and its access, then the operation under the lock.</summary>
    private async Task ServeAsync(HttpContext ctx, string? calendarId, bool write, Func<FakeCalendar, JsonObject, Reply> operation)
    {
        var line = $"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}";
        _requests.Enqueue(line);
        var body = ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0
            ? JsonNode.Parse(await new StreamReader(ctx.Request.Body).ReadToEndAsync()) as JsonObject ?? []
            : [];
        FakeGoogleFault? fault;
        Reply reply;
        FakeCalendar? changed = null;
        lock (_gate)
        {
            var due = _faults.FindIndex(f => f.Matches(line));
            fault = due < 0 ? FaultSource?.Invoke(line) : _faults[due].Fault;
            if (due >= 0)
            {
                _faults.RemoveAt(due);
            }

            var before = _version;
            reply = fault is { StoresFirst: false } ? FaultReply(fault)
                : !Authorized(ctx) ? Reply.Error(401, "authError", "Request had invalid authentication credentials.")
                : calendarId is null ? operation(null!, body)
                : !_calendars.TryGetValue(calendarId, out var calendar) ? Reply.Error(404, "notFound", "Not Found")
                : calendar.Access == FakeCalendarAccess.Forbidden ? Reply.Error(403, "forbidden", "Forbidden")
                : write && calendar.Access == FakeCalendarAccess.Reader
                    ? Reply.Error(403, "requiredAccessLevel", "You need to have writer access to this calendar.")
                : operation(calendar, body);
            if (_version != before && calendarId is not null)
            {
                changed = _calendars[calendarId];
            }
        }

        if (changed is not null)
        {
            AnnounceChange(changed.Id);
        }

        switch (fault?.Kind)
        {
            case FakeGoogleFaultKind.StoreThenDrop:
                ctx.Abort();
                return;
            case FakeGoogleFaultKind.StoreThenDelay:
                await Task.Delay(fault.Delay!.Value, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
        }

        await WriteAsync(ctx, reply);
    }

    private bool Authorized(HttpContext ctx) =>
        ctx.Request.Headers.Authorization.ToString() is var value && value.StartsWith("Bearer ", StringComparison.Ordinal)
        && _tokens.ContainsKey(value["Bearer ".Length..]);

    private static Reply FaultReply(FakeGoogleFault fault)
    {
        var reply = fault.Kind switch
        {
            FakeGoogleFaultKind.TooManyRequests => Reply.Error(429, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits"),
            FakeGoogleFaultKind.ServiceUnavailable => Reply.Error(503, "backendError", "The service is currently unavailable."),
            FakeGoogleFaultKind.RateLimitExceeded => Reply.Error(403, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits"),
            _ => Reply.Error(500, "backendError", "Backend Error"),
        };
        return fault switch
        {
            { RetryAfter: { } delta } => reply with { RetryAfter = ((int)delta.TotalSeconds).ToString(CultureInfo.InvariantCulture) },
            { RetryAt: { } at } => reply with { RetryAfter = at.ToString("R", CultureInfo.InvariantCulture) },
            _ => reply,
        };
    }

    private Reply Insert(FakeCalendar calendar, JsonObject body)
    {
        var id = (string?)body["id"];
        if (id is null)
        {
            body["id"] = id = NewEventId();
        }
        else if (!EventId().IsMatch(id))
        {
            return Reply.Error(400, "invalid", "Invalid resource id value.");
        }

        if (calendar.Events.ContainsKey(id))
        {
            return Reply.Error(409, "duplicate", "The requested identifier already exists.");
        }

        if (FakeGoogleTimes.Instant(body["start"]) is null || FakeGoogleTimes.Instant(body["end"]) is null)
        {
            return Reply.Error(400, "required", "Missing time.");
        }

        body["organizer"] = new JsonObject { ["email"] = calendar.Id, ["displayName"] = calendar.Summary, ["self"] = true };
        _creates++;
        return Reply.Json(Store(calendar, body));
    }

    private Reply Rewrite(FakeCalendar calendar, string eventId, Func<JsonObject, JsonObject> change)
    {
        if (!calendar.Events.TryGetValue(eventId, out var existing))
        {
            return Reply.Error(404, "notFound", "Not Found");
        }

        var changed = change((JsonObject)existing.DeepClone());
        // Server-kept fields survive whatever the client sends.
        changed["id"] = eventId;
        changed["organizer"] = existing["organizer"]?.DeepClone();
        return Reply.Json(Store(calendar, changed));
    }

    private Reply Delete(FakeCalendar calendar, string eventId)
    {
        if (!calendar.Events.TryGetValue(eventId, out var existing))
        {
            return Reply.Error(404, "notFound", "Not Found");
        }

        if ((string?)existing["status"] == "cancelled")
        {
            return Reply.Error(410, "deleted", "Resource has been deleted");
        }

        Store(calendar, Merge(existing, new JsonObject { ["status"] = "cancelled" }));
        return Reply.NoContent;
    }

    private Reply List(FakeCalendar calendar, IQueryCollection query)
    {
        ListSnapshot snapshot;
        if (query["pageToken"].ToString() is { Length: > 0 } pageToken)
        {
            if (!_pages.TryGetValue(pageToken, out snapshot!) || snapshot.CalendarId != calendar.Id)
            {
                return Reply.Error(400, "invalid", "Invalid page token value.");
            }
        }
        else if (query["syncToken"].ToString() is { Length: > 0 } syncToken)
        {
            if (query.ContainsKey("timeMin") || query.ContainsKey("timeMax"))
            {
                return Reply.Error(400, "invalid", "Sync token cannot be combined with timeMin or timeMax.");
            }

            if (!_syncTokens.TryGetValue(syncToken, out var since))
            {
                return Reply.Error(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.");
            }

            // Increments carry deleted events whatever showDeleted says, cancelled ones stripped to their id.
            snapshot = new ListSnapshot(calendar.Id, _version, calendar.Events.Values
                .Where(e => (long)e["fakeVersion"]! > since).OrderBy(e => (long)e["fakeVersion"]!).Select(Visible).ToList());
        }
        else
        {
            var from = query.ContainsKey("timeMin") ? DateTimeOffset.Parse(query["timeMin"]!, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
            var to = query.ContainsKey("timeMax") ? DateTimeOffset.Parse(query["timeMax"]!, CultureInfo.InvariantCulture) : DateTimeOffset.MaxValue;
            var showDeleted = query["showDeleted"] == "true";
            snapshot = new ListSnapshot(calendar.Id, _version, calendar.Events.Values
                .Where(e => showDeleted || (string?)e["status"] != "cancelled")
                .Where(e => FakeGoogleTimes.Instant(e["end"]) > from && FakeGoogleTimes.Instant(e["start"]) < to)
                .OrderBy(e => (string)e["id"]!).Select(Visible).ToList());
        }

        var size = Math.Min(MaxPageSize, int.TryParse(query["maxResults"], out var asked) ? asked : 250);
        var page = new JsonArray(snapshot.Items.Take(size).Select(i => (JsonNode)i.DeepClone()).ToArray());
        var answer = new JsonObject
        {
            ["kind"] = "calendar#events",
            ["summary"] = calendar.Summary,
            ["timeZone"] = calendar.TimeZone,
            ["accessRole"] = calendar.Access == FakeCalendarAccess.Writer ? "writer" : "reader",
            ["items"] = page,
        };
        if (snapshot.Items.Count > size)
        {
            var next = "p" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            _pages[next] = snapshot with { Items = snapshot.Items.Skip(size).ToList() };
            answer["nextPageToken"] = next;
        }
        else
        {
            var sync = "s" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            _syncTokens[sync] = snapshot.Version;
            answer["nextSyncToken"] = sync;
        }

        return Reply.Json(answer);
    }

    private Reply Watch(FakeCalendar calendar, JsonObject body)
    {
        var id = (string?)body["id"];
        if ((string?)body["type"] is not ("web_hook" or "webhook") || id is null || !Uri.TryCreate((string?)body["address"], UriKind.Absolute, out var address))
        {
            return Reply.Error(400, "invalid", "A channel needs an id, type web_hook and an absolute address.");
        }

        if (_channels.ContainsKey(id))
        {
            return Reply.Error(400, "channelIdNotUnique", $"Channel id {id} not unique");
        }

        var ttl = long.TryParse((string?)body["params"]?["ttl"], out var seconds) ? seconds : 604_800;
        var channel = new Channel(id, calendar.Id, "r" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(calendar.Id)))[..24],
            address, (string?)body["token"], _time.GetUtcNow().AddSeconds(ttl));
        _channels[id] = channel;
        if (NotifyAutomatically)
        {
            Deliver(channel.Id, "sync");
        }

        return Reply.Json(new JsonObject
        {
            ["kind"] = "api#channel",
            ["id"] = channel.Id,
            ["resourceId"] = channel.ResourceId,
            ["resourceUri"] = new Uri(new Uri(ApiBaseUrl), $"calendars/{Uri.EscapeDataString(calendar.Id)}/events?alt=json").AbsoluteUri,
            ["token"] = channel.Token,
            ["expiration"] = channel.Expires.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
    }

    private Reply Stop(JsonObject body)
    {
        var id = (string?)body["id"] ?? "";
        if (!_channels.TryGetValue(id, out var channel) || channel.ResourceId != (string?)body["resourceId"])
        {
            return Reply.Error(404, "notFound", $"Channel '{id}' not found for project 'booking-portal-tests'");
        }

        _channels.Remove(id);
        _channelStops++;
        return Reply.NoContent;
    }

    private string StoreDirectly(string calendarId, JsonObject e)
    {
        var id = NewEventId();
        e["id"] = id;
        Change(calendarId, calendar => Store(calendar, e));
        return id;
    }

    private static string NewEventId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    private void Change(string calendarId, Action<FakeCalendar> change)
    {
        lock (_gate)
        {
            change(_calendars[calendarId]);
        }

        AnnounceChange(calendarId);
    }

    private void AnnounceChange(string calendarId)
    {
        if (!NotifyAutomatically)
        {
            return;
        }

        foreach (var channel in Channels(calendarId))
        {
            Deliver(channel, "exists");
        }
    }

    private void Deliver(string channelId, string state) =>
        // Google does not wait for a webhook either; a test that cares observes its effect.
        _deliveries.Add(Task.Run(() => NotifyAsync(channelId, state)));

    /// <summary>Keeps a new version of an event (a new etag, a new place in the change order) under the lock.</summary>
    private JsonObject Store(FakeCalendar calendar, JsonObject e)
    {
        var version = ++_version;
        e["kind"] = "calendar#event";
        e["status"] ??= "confirmed";
        e["etag"] = $"\"{version}\"";
        e["updated"] = FakeGoogleTimes.Rfc3339(_time.GetUtcNow());
        e["fakeVersion"] = version;
        calendar.Events[(string)e["id"]!] = e;
        return Visible(e);
    }

    /// <summary>The event as the API shows it: without the fake's bookkeeping, and a cancelled one as its id only.</summary>
    private static JsonObject Visible(JsonObject e)
    {
        if ((string?)e["status"] == "cancelled")
        {
            return new JsonObject { ["kind"] = "calendar#event", ["etag"] = e["etag"]?.DeepClone(), ["id"] = e["id"]?.DeepClone(), ["status"] = "cancelled" };
        }

        return WithoutBookkeeping(e);
    }

    /// <summary>A get shows a deleted event in full, with its status.</summary>
    private static JsonObject WithoutBookkeeping(JsonObject e)
    {
        var shown = (JsonObject)e.DeepClone();
        shown.Remove("fakeVersion");
        return shown;
    }

    /// <summary>PATCH semantics: objects merge member by member, anything else is replaced.</summary>
    private static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        var merged = (JsonObject)target.DeepClone();
        foreach (var (name, value) in patch)
        {
            merged[name] = value is JsonObject inner && merged[name] is JsonObject existing ? Merge(existing, inner) : value?.DeepClone();
        }

        return merged;
    }

    private static async Task WriteAsync(HttpContext ctx, Reply reply)
    {
        ctx.Response.StatusCode = reply.Status;
        if (reply.RetryAfter is not null)
        {
            ctx.Response.Headers.RetryAfter = reply.RetryAfter;
        }

        if (reply.Body is not null)
        {
            ctx.Response.ContentType = "application/json; charset=UTF-8";
            await ctx.Response.WriteAsync(reply.Body.ToJsonString());
        }
    }

    /// <summary>Google's event ids: base32hex characters (0-9, a-v), 5 to 1024 of them.</summary>
    [GeneratedRegex("^[0-9a-v]{5,1024}$")]
    private static partial Regex EventId();

    private sealed record Reply(int Status, JsonObject? Body, string? RetryAfter = null)
    {
        public static readonly Reply NoContent = new(204, null);

        public static Reply Json(JsonObject body, int status = 200) => new(status, body);

        /// <summary>Google's error body: the status as <c>code</c>, one item naming the <c>reason</c>.</summary>
        public static Reply Error(int status, string reason, string message, string domain = "global") => new(status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["errors"] = new JsonArray(new JsonObject { ["domain"] = domain, ["reason"] = reason, ["message"] = message }),
                ["code"] = status,
                ["message"] = message,
            },
        });
    }

    private sealed class FakeCalendar(string id, string summary, string timeZone)
    {
        public string Id { get; } = id;
        public string Summary { get; } = summary;
        public string TimeZone { get; } = timeZone;
        public FakeCalendarAccess Access { get; set; }
        public Dictionary<string, JsonObject> Events { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A list read fixed at its first page: later pages show what was there then, and its sync token starts after it.</summary>
    private sealed record ListSnapshot(string CalendarId, long Version, IReadOnlyList<JsonObject> Items);

    private sealed record Channel(string Id, string CalendarId, string ResourceId, Uri Address, string? Token, DateTimeOffset Expires)
    {
        public long MessageNumber { get; set; }
    }
}
