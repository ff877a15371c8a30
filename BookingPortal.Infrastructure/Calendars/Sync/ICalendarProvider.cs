namespace BookingPortal.Infrastructure.Calendars.Sync;

/// <summary>
/// One outside calendar service (Microsoft 365 through Graph, Google Calendar v3) as the rest of the product sees it:
/// events pushed from bookings, outside events pulled as holds. Each provider's wire format stays behind this in its
/// own folder. Calls are single attempts: a failure is a <see cref="CalendarSyncException"/> saying what kind it is,
/// and the outbox or the pull decides when to try again, so one throttled calendar never holds up the others.
/// </summary>
public interface ICalendarProvider
{
    /// <summary>"microsoft" or "google": the value of <c>provider</c> in the API and in <c>calendar_links</c>.</summary>
    string Name { get; }

    /// <summary>Whether this instance has credentials configured for the provider at all.</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// Reads the calendar once with the configured credentials. Throws <see cref="CalendarSyncException"/> with
    /// <see cref="CalendarSyncFailure.BadCredentials"/>, <see cref="CalendarSyncFailure.MissingPermission"/> or
    /// <see cref="CalendarSyncFailure.UnknownCalendar"/>, its message fit to show an admin.
    /// </summary>
    Task<CalendarInfo> CheckCalendarAsync(string calendarId, CancellationToken ct);

    /// <summary>
    /// Creates the event. A retry with the same <see cref="OutgoingEvent.DeliveryKey"/> after a lost answer returns
    /// the event stored the first time, never a second one (Graph <c>transactionId</c>; Google client-chosen id).
    /// </summary>
    Task<PushedEvent> CreateAsync(string calendarId, OutgoingEvent outgoing, CancellationToken ct);

    /// <summary>Changes time, title and attendee of an event created earlier. Throws UnknownEvent when it is gone there.</summary>
    Task<PushedEvent> UpdateAsync(string calendarId, string externalId, OutgoingEvent outgoing, CancellationToken ct);

    /// <summary>Deletes an event; one that is already gone counts as deleted.</summary>
    Task DeleteAsync(string calendarId, string externalId, CancellationToken ct);

    /// <summary>
    /// One page of outside changes. <paramref name="cursor"/> null starts a full read of the window; otherwise it is
    /// the <see cref="PullPage.NextCursor"/> or <see cref="PullPage.DeltaCursor"/> of an earlier page (Google
    /// <c>pageToken</c>/<c>syncToken</c>, Graph <c>nextLink</c>/<c>deltaLink</c>). Throws CursorExpired (Google
    /// <c>410 Gone</c>, Graph <c>syncStateNotFound</c>) when a full read must start again.
    /// </summary>
    Task<PullPage> PullAsync(string calendarId, string? cursor, DateTimeOffset windowStartUtc, DateTimeOffset windowEndUtc,
        CancellationToken ct);

    /// <summary>
    /// Asks the provider to call <paramref name="notificationUrl"/> when the calendar changes (Graph subscription,
    /// Google watch channel), carrying <paramref name="secret"/> (Graph <c>clientState</c>, Google channel token).
    /// </summary>
    Task<CalendarSubscription> SubscribeAsync(string calendarId, Uri notificationUrl, string secret, CancellationToken ct);

    /// <summary>Extends a subscription before it expires (Graph: PATCH its expiry; Google: a new channel, the old one stopped).</summary>
    Task<CalendarSubscription> RenewAsync(string calendarId, CalendarSubscription current, Uri notificationUrl, string secret,
        CancellationToken ct);

    /// <summary>Ends a subscription; one already gone counts as ended.</summary>
    Task UnsubscribeAsync(CalendarSubscription subscription, CancellationToken ct);
}

/// <param name="Id">Graph subscription id / Google channel id: what notifications are matched by.</param>
/// <param name="ProviderResourceId">Google's <c>resourceId</c> of the watched calendar, needed to stop the channel.</param>
public sealed record CalendarSubscription(string Id, string? ProviderResourceId, DateTimeOffset ExpiresUtc);

/// <summary>One webhook call as the sync sees it, whichever provider sent it.</summary>
/// <param name="Secret">The <c>clientState</c> / channel token it carried, to compare with the one we gave.</param>
public sealed record CalendarNotification(string SubscriptionId, string? Secret, CalendarNotificationKind Kind);

public enum CalendarNotificationKind
{
    /// <summary>Something on the calendar changed: pull.</summary>
    Changed,
    /// <summary>Google's first call on a new channel: nothing to do.</summary>
    Handshake,
    /// <summary>Graph lifecycle: renew the subscription now.</summary>
    ReauthorizationRequired,
    /// <summary>Graph lifecycle: the subscription is gone; subscribe again and pull.</summary>
    SubscriptionRemoved,
    /// <summary>Graph lifecycle: notifications were lost; pull.</summary>
    Missed,
}

/// <param name="DisplayName">The calendar's name as the provider shows it (a room mailbox's display name, a Google summary).</param>
public sealed record CalendarInfo(string CalendarId, string DisplayName);

/// <summary>The state of one booking on one linked resource, to be made true at the provider.</summary>
/// <param name="DeliveryKey">
/// Stable for the (booking, resource) pair: the Google event id (base32hex, lower case) and the Graph
/// <c>transactionId</c>, so a create that is tried again cannot make a second event.
/// </param>
/// <param name="TimeZone">The location's IANA time zone, for providers that show times in one.</param>
public sealed record OutgoingEvent(
    Guid BookingId,
    Guid ResourceId,
    string DeliveryKey,
    string Title,
    DateTimeOffset StartUtc,
    DateTimeOffset EndUtc,
    string TimeZone,
    string OwnerEmail,
    string? OwnerName,
    string ResourceName);

/// <param name="ExternalId">The provider's id of the event.</param>
/// <param name="ETag">The provider's version of it, when it gives one.</param>
public sealed record PushedEvent(string ExternalId, string? ETag);

/// <summary>One outside change as a pull reports it.</summary>
/// <param name="Removed">Deleted or cancelled there (Google <c>status: cancelled</c>, Graph <c>@removed</c>).</param>
/// <param name="Free">Shown as free there (Google <c>transparency: transparent</c>, Graph <c>showAs: free</c>): holds nothing.</param>
/// <param name="OurBookingId">The booking id from our marker, when the event is one we pushed and the provider returns it.</param>
public sealed record PulledEvent(
    string ExternalId,
    bool Removed,
    DateTimeOffset? StartUtc,
    DateTimeOffset? EndUtc,
    string? Subject,
    string? OrganizerName,
    string? OrganizerEmail,
    bool Free,
    Guid? OurBookingId,
    string? ETag);

/// <param name="NextCursor">More pages of this read follow: pass it back.</param>
/// <param name="DeltaCursor">The read is complete: keep this for the next incremental pull.</param>
public sealed record PullPage(IReadOnlyList<PulledEvent> Events, string? NextCursor, string? DeltaCursor);

public enum CalendarSyncFailure
{
    BadCredentials,
    MissingPermission,
    UnknownCalendar,
    UnknownEvent,
    CursorExpired,
    /// <summary>429, 503, Google's 403 rate limits: wait <see cref="CalendarSyncException.RetryAfter"/> when given.</summary>
    Throttled,
    /// <summary>Other 5xx, timeouts, refused connections: back off and try again.</summary>
    Transient,
    /// <summary>The provider refused the request for good (a 400 it will always give).</summary>
    Rejected,
}

public sealed class CalendarSyncException(CalendarSyncFailure failure, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public CalendarSyncFailure Failure { get; } = failure;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Nothing the admin has to fix: the same call may well succeed later.</summary>
    public bool IsTransient => Failure is CalendarSyncFailure.Throttled or CalendarSyncFailure.Transient;
}
