using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Google;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using BookingPortal.Infrastructure.Calendars.Sync.Pull;
using Microsoft.AspNetCore.Http.Features;

namespace BookingPortal.Web.Api;

/// <summary>
/// Where Graph and Google call when a linked calendar changes (SPEC §6, ADR 020). Anonymous by necessity: the caller
/// proves itself by the subscription id and secret we gave it, and a call only makes a pull due sooner.
/// </summary>
internal static class SyncWebhookEndpoints
{
    // Graph batches notifications without resource data; a few dozen of them fit in far less.
    private const long LargestBody = 64 * 1024;

    public static void MapSyncWebhooks(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/sync").WithTags("Calendar sync").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        hooks.MapPost("/microsoft/notifications", MicrosoftAsync);
        hooks.MapPost("/google/notifications", GoogleAsync);
    }

    private static async Task<IResult> MicrosoftAsync(HttpContext http, CalendarSubscriptions subscriptions)
    {
        // Graph's handshake: the token back as text within ten seconds, or no subscription is made.
        if (GraphNotifications.ValidationToken(http.Request.Query) is { } token)
        {
            return TypedResults.Text(token, "text/plain", statusCode: StatusCodes.Status200OK);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = LargestBody;
        }

        string body;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            body = await reader.ReadToEndAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (GraphNotifications.Parse(body) is not { } notifications)
        {
            return TypedResults.BadRequest();
        }

        return await AcceptAllAsync("microsoft", notifications, subscriptions, http.RequestAborted);
    }

    private static async Task<IResult> GoogleAsync(HttpContext http, CalendarSubscriptions subscriptions) =>
        GoogleNotifications.Parse(http.Request.Headers) is { } notification
            ? await AcceptAllAsync("google", [notification], subscriptions, http.RequestAborted)
            : TypedResults.BadRequest();

    /// <summary>202 when at least one notification was ours; 403 when none was, so nothing was done.</summary>
    private static async Task<IResult> AcceptAllAsync(string provider, IReadOnlyList<CalendarNotification> notifications,
        CalendarSubscriptions subscriptions, CancellationToken ct)
    {
        var accepted = 0;
        foreach (var notification in notifications)
        {
            if (await subscriptions.AcceptAsync(provider, notification, ct))
            {
                accepted++;
            }
        }

        return accepted > 0 ? TypedResults.Accepted((string?)null) : TypedResults.StatusCode(StatusCodes.Status403Forbidden);
    }
}
