using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingPortal.Infrastructure.Calendars.Sync.Google;

/// <summary>
/// Google Calendar v3 behind <see cref="ICalendarProvider"/>: the service account acts as
/// <see cref="GoogleSyncOptions.ImpersonateUser"/> on each linked resource calendar.
/// </summary>
public sealed class GoogleCalendarProvider : ICalendarProvider, IDisposable
{
    public const string ProviderName = "google";

    /// <summary>Private extended properties on our events: the marker that keeps them from being imported back.</summary>
    public const string BookingIdProperty = "bookingPortalBookingId";
    public const string ResourceIdProperty = "bookingPortalResourceId";

    private readonly GoogleSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<GoogleCalendarProvider> _log;
    private readonly Lazy<GoogleCalendarApi> _api;

    public GoogleCalendarProvider(IOptions<GoogleSyncOptions> options, TimeProvider time, ILogger<GoogleCalendarProvider> log)
    {
        _options = options.Value;
        _time = time;
        _log = log;
        // Built on first use so a missing or broken key file is a BadCredentials answer to "test connection", not a
        // startup failure; PublicationOnly keeps that failure from being cached once the file is fixed.
        _api = new Lazy<GoogleCalendarApi>(() => GoogleCalendarApi.Create(_options, _time), LazyThreadSafetyMode.PublicationOnly);
    }

    public string Name => ProviderName;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(_options.ServiceAccountKeyFile);

    public Task<CalendarInfo> CheckCalendarAsync(string calendarId, CancellationToken ct) =>
        CallAsync(async api =>
        {
            var calendar = await api.GetCalendarAsync(calendarId, ct);
            return new CalendarInfo(calendar.Id, calendar.Summary ?? calendar.Id);
        }, CalendarSyncFailure.UnknownCalendar);

    public Task<PushedEvent> CreateAsync(string calendarId, OutgoingEvent outgoing, CancellationToken ct) =>
        CallAsync(async api =>
        {
            try
            {
                return Pushed(await api.InsertEventAsync(calendarId, ToGoogle(outgoing) with { Id = outgoing.DeliveryKey }, ct));
            }
            catch (GoogleApiError e) when (e.Status == HttpStatusCode.Conflict)
            {
                // The id is ours, so it is stored already: a retry after a lost answer, or an event deleted earlier
                // (a booking moved away and back). Writing the wanted state onto it covers both.
                return Pushed(await api.PatchEventAsync(calendarId, outgoing.DeliveryKey, ToGoogle(outgoing), ct));
            }
        }, CalendarSyncFailure.UnknownCalendar);

    public Task<PushedEvent> UpdateAsync(string calendarId, string externalId, OutgoingEvent outgoing, CancellationToken ct) =>
        CallAsync(async api => Pushed(await api.PatchEventAsync(calendarId, externalId, ToGoogle(outgoing), ct)),
            CalendarSyncFailure.UnknownEvent);

    public Task DeleteAsync(string calendarId, string externalId, CancellationToken ct) =>
        CallAsync(async api =>
        {
            try
            {
                await api.DeleteEventAsync(calendarId, externalId, ct);
            }
            catch (GoogleApiError e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                // Gone already: deleted there, or by an earlier try whose answer was lost.
            }

            return true;
        }, CalendarSyncFailure.UnknownEvent);

    public Task<PullPage> PullAsync(string calendarId, string? cursor, DateTimeOffset windowStartUtc, DateTimeOffset windowEndUtc,
        CancellationToken ct)
    {
        var read = cursor is null ? GoogleCursor.FullRead(windowStartUtc, windowEndUtc) : GoogleCursor.Parse(cursor);
        return CallAsync(async api =>
        {
            var query = new Dictionary<string, string?>
            {
                ["singleEvents"] = "true",
                ["showDeleted"] = "true",
                ["maxResults"] = _options.PageSize.ToString(CultureInfo.InvariantCulture),
            };
            // Every page repeats the first request's parameters (Google's rule); a sync token excludes the window.
            if (read.SyncToken is not null)
            {
                query["syncToken"] = read.SyncToken;
            }
            else
            {
                query["timeMin"] = Rfc3339(read.TimeMin!.Value);
                query["timeMax"] = Rfc3339(read.TimeMax!.Value);
            }

            if (read.PageToken is not null)
            {
                query["pageToken"] = read.PageToken;
            }

            GoogleEventList list;
            try
            {
                list = await api.ListEventsAsync(calendarId, query, ct);
            }
            catch (GoogleApiError e) when (e.Status == HttpStatusCode.Gone)
            {
                throw new CalendarSyncException(CalendarSyncFailure.CursorExpired,
                    $"Google no longer accepts this sync position ({e.Reason ?? "410"}); a full read of the window is needed.");
            }

            var zone = CalendarZone(list.TimeZone);
            var events = (list.Items ?? []).Where(e => e.Id is not null).Select(e => ToPulled(e, zone)).ToList();
            return list.NextPageToken is not null
                ? new PullPage(events, (read with { PageToken = list.NextPageToken }).Format(), null)
                : new PullPage(events, null, list.NextSyncToken is null ? null : GoogleCursor.Incremental(list.NextSyncToken).Format());
        }, CalendarSyncFailure.UnknownCalendar);
    }

    public Task<CalendarSubscription> SubscribeAsync(string calendarId, Uri notificationUrl, string secret, CancellationToken ct) =>
        CallAsync(async api =>
        {
            var requested = new GoogleChannel
            {
                Id = Guid.NewGuid().ToString("N"),
                Type = "web_hook",
                Address = notificationUrl.AbsoluteUri,
                Token = secret,
                Params = new() { ["ttl"] = ((long)_options.ChannelTtl.TotalSeconds).ToString(CultureInfo.InvariantCulture) },
            };
            var channel = await api.WatchEventsAsync(calendarId, requested, ct);
            var expires = channel.Expiration is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : _time.GetUtcNow() + _options.ChannelTtl;
            return new CalendarSubscription(channel.Id, channel.ResourceId, expires);
        }, CalendarSyncFailure.UnknownCalendar);

    public async Task<CalendarSubscription> RenewAsync(string calendarId, CalendarSubscription current, Uri notificationUrl, string secret,
        CancellationToken ct)
    {
        // Google channels cannot be extended: the new one first, so no change goes unannounced in between.
        var renewed = await SubscribeAsync(calendarId, notificationUrl, secret, ct);
        try
        {
            await UnsubscribeAsync(current, ct);
        }
        catch (CalendarSyncException e)
        {
            // The old channel runs out by itself and its calls match no subscription any more; failing the renewal
            // here would only make the caller open yet another channel.
            _log.LogWarning("Google channel {ChannelId} could not be stopped after its renewal ({Failure}); it expires at {Expires}.",
                current.Id, e.Failure, current.ExpiresUtc);
        }

        return renewed;
    }

    public Task UnsubscribeAsync(CalendarSubscription subscription, CancellationToken ct)
    {
        if (subscription.ProviderResourceId is null)
        {
            // channels.stop needs the resource id; without it the channel can only run out.
            return Task.CompletedTask;
        }

        return CallAsync(async api =>
        {
            try
            {
                await api.StopChannelAsync(new GoogleChannelStop(subscription.Id, subscription.ProviderResourceId), ct);
            }
            catch (GoogleApiError e) when (e.Status == HttpStatusCode.NotFound)
            {
                // Expired or stopped already.
            }

            return true;
        }, CalendarSyncFailure.UnknownCalendar);
    }

    public void Dispose()
    {
        if (_api.IsValueCreated)
        {
            _api.Value.Dispose();
        }
    }

    private async Task<T> CallAsync<T>(Func<GoogleCalendarApi, Task<T>> call, CalendarSyncFailure notFound)
    {
        if (!IsConfigured)
        {
            throw new CalendarSyncException(CalendarSyncFailure.BadCredentials, "Google sync has no service account key (Sync:Google:ServiceAccountKeyFile).");
        }

        try
        {
            return await call(_api.Value);
        }
        catch (GoogleApiError e)
        {
            throw Translate(e, notFound);
        }
    }

    private static CalendarSyncException Translate(GoogleApiError e, CalendarSyncFailure notFound) => e.Status switch
    {
        HttpStatusCode.Unauthorized => new(CalendarSyncFailure.BadCredentials,
            $"Google did not accept the service account's token. {e.Message}", inner: e),
        HttpStatusCode.Forbidden when e.Reason is "rateLimitExceeded" or "userRateLimitExceeded" =>
            new(CalendarSyncFailure.Throttled, e.Message, e.RetryAfter, e),
        HttpStatusCode.Forbidden => new(CalendarSyncFailure.MissingPermission,
            $"The impersonated user may not do this on the calendar; share it with them with \"make changes to events\". {e.Message}", inner: e),
        HttpStatusCode.NotFound or HttpStatusCode.Gone => new(notFound, notFound == CalendarSyncFailure.UnknownCalendar
            ? $"Google knows no such calendar, or the impersonated user cannot see it. {e.Message}"
            : $"The event is no longer on the calendar. {e.Message}", inner: e),
        HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable =>
            new(CalendarSyncFailure.Throttled, e.Message, e.RetryAfter, e),
        >= HttpStatusCode.InternalServerError => new(CalendarSyncFailure.Transient, e.Message, e.RetryAfter, e),
        _ => new(CalendarSyncFailure.Rejected, e.Message, inner: e),
    };

    private static GoogleEvent ToGoogle(OutgoingEvent outgoing) => new()
    {
        // Named on every write: it brings back an event that was deleted there while the booking still stands.
        Status = "confirmed",
        Summary = outgoing.Title,
        Location = outgoing.ResourceName,
        Transparency = "opaque",
        Start = new GoogleEventTime(outgoing.StartUtc.ToUniversalTime(), null, outgoing.TimeZone),
        End = new GoogleEventTime(outgoing.EndUtc.ToUniversalTime(), null, outgoing.TimeZone),
        Attendees = [new GoogleAttendee(outgoing.OwnerEmail, outgoing.OwnerName)],
        ExtendedProperties = new GoogleExtendedProperties(new()
        {
            [BookingIdProperty] = outgoing.BookingId.ToString(),
            [ResourceIdProperty] = outgoing.ResourceId.ToString(),
        }),
    };

    private static PushedEvent Pushed(GoogleEvent stored) =>
        new(stored.Id ?? throw new CalendarSyncException(CalendarSyncFailure.Transient, "Google returned an event without an id."), stored.Etag);

    private static PulledEvent ToPulled(GoogleEvent e, TimeZoneInfo zone)
    {
        var ours = e.ExtendedProperties?.Private?.GetValueOrDefault(BookingIdProperty);
        // A room that declined an invitation still lists the event; it holds nothing.
        var declinedByRoom = e.Attendees?.Any(a => a.Self == true && a.ResponseStatus == "declined") == true;
        return new PulledEvent(
            e.Id!,
            Removed: e.Status == "cancelled",
            StartUtc: Instant(e.Start, zone),
            EndUtc: Instant(e.End, zone),
            Subject: e.Summary,
            OrganizerName: e.Organizer?.DisplayName,
            OrganizerEmail: e.Organizer?.Email,
            Free: e.Transparency == "transparent" || declinedByRoom,
            OurBookingId: Guid.TryParse(ours, out var bookingId) ? bookingId : null,
            ETag: e.Etag);
    }

    /// <summary>All-day events (<c>date</c>) hold the room from midnight to midnight in the calendar's own zone.</summary>
    private static DateTimeOffset? Instant(GoogleEventTime? time, TimeZoneInfo zone) => time switch
    {
        { DateTime: { } at } => at.ToUniversalTime(),
        { Date: { } day } => Midnight(day, zone),
        _ => null,
    };

    private static DateTimeOffset Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // Where a clock change skips midnight the day starts at the first hour that exists.
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static TimeZoneInfo CalendarZone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static string Rfc3339(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
