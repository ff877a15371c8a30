using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BookingPortal.Infrastructure.Calendars.Sync.Microsoft;

/// <summary>
/// Reads the calls Graph makes to the notification URL. A subscription is only created once the endpoint has echoed
/// Graph's <c>validationToken</c> as <c>text/plain</c> within 10 seconds; after that Graph posts change and lifecycle
/// notifications, which the endpoint acknowledges with 202 and matches by subscription id and client state.
/// </summary>
public static class GraphNotifications
{
    /// <summary>
    /// The token of a validation handshake (<c>?validationToken=…</c>, already URL-decoded), which the endpoint
    /// answers with 200 and the token as its <c>text/plain</c> body; null for an ordinary notification.
    /// </summary>
    public static string? ValidationToken(IQueryCollection query) =>
        query.TryGetValue("validationToken", out var token) && !string.IsNullOrEmpty(token) ? token.ToString() : null;

    /// <summary>
    /// The notifications in one POST body (<c>{"value":[…]}</c>); null when the body is not one, so the endpoint
    /// can answer 400. Items without a subscription id are left out: nothing could match them.
    /// </summary>
    public static IReadOnlyList<CalendarNotification>? Parse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind is not JsonValueKind.Object
                || !document.RootElement.TryGetProperty("value", out var items) || items.ValueKind is not JsonValueKind.Array)
            {
                return null;
            }

            return items.EnumerateArray()
                .Where(item => item.ValueKind is JsonValueKind.Object && Text(item, "subscriptionId") is not null)
                .Select(item => new CalendarNotification(Text(item, "subscriptionId")!, Text(item, "clientState"), Kind(Text(item, "lifecycleEvent"))))
                .ToList();
        }
    }

    private static CalendarNotificationKind Kind(string? lifecycleEvent) => lifecycleEvent switch
    {
        "reauthorizationRequired" => CalendarNotificationKind.ReauthorizationRequired,
        "subscriptionRemoved" => CalendarNotificationKind.SubscriptionRemoved,
        "missed" => CalendarNotificationKind.Missed,
        // A change, or a lifecycle event newer than this code: pulling is the safe answer to both.
        _ => CalendarNotificationKind.Changed,
    };

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String ? value.GetString() : null;
}
