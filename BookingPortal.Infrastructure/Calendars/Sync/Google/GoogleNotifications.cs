using Microsoft.AspNetCore.Http;

namespace BookingPortal.Infrastructure.Calendars.Sync.Google;

/// <summary>
/// Reads a Google push notification, which carries everything in its <c>X-Goog-*</c> headers (its body is empty).
/// The caller matches <see cref="CalendarNotification.SubscriptionId"/> to a channel it opened and compares the token.
/// </summary>
public static class GoogleNotifications
{
    public static CalendarNotification? Parse(IHeaderDictionary headers) =>
        Parse(name => headers.TryGetValue(name, out var value) ? value.ToString() : null);

    /// <returns>Null when the call is not a channel notification (no channel id or resource state).</returns>
    public static CalendarNotification? Parse(Func<string, string?> header)
    {
        var channelId = header("X-Goog-Channel-ID");
        var state = header("X-Goog-Resource-State");
        if (string.IsNullOrEmpty(channelId) || string.IsNullOrEmpty(state))
        {
            return null;
        }

        // "sync" opens every channel; "exists" and "not_exists" (and any state Google adds later) mean: pull.
        var kind = state.Equals("sync", StringComparison.OrdinalIgnoreCase) ? CalendarNotificationKind.Handshake : CalendarNotificationKind.Changed;
        return new CalendarNotification(channelId, header("X-Goog-Channel-Token"), kind);
    }
}
