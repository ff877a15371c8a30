using System.Net.Http.Headers;
using Azure.Identity;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Identity.Client;
using Microsoft.Kiota.Abstractions;

namespace BookingPortal.Infrastructure.Calendars.Sync.Microsoft;

/// <summary>What a Graph call was about, which decides what a 404 means.</summary>
internal enum Target
{
    Calendar,
    Event,
    Delta,
}

/// <summary>
/// Sorts what the sign-in (Azure.Identity over MSAL) and Graph (Kiota) throw into <see cref="CalendarSyncFailure"/>s,
/// with messages that tell an admin what to fix. Messages carry Graph's and Entra's error codes, never the secret.
/// </summary>
internal static class MicrosoftSyncFailures
{
    /// <summary>Graph's 404 codes for a mailbox that does not exist or has no Exchange Online calendar.</summary>
    private static readonly HashSet<string> MailboxMissing = new(StringComparer.OrdinalIgnoreCase)
    {
        "ErrorInvalidUser", "ResourceNotFound", "MailboxNotEnabledForRESTAPI", "ErrorNonExistentMailbox",
    };

    private static readonly HashSet<string> DeltaStateGone = new(StringComparer.OrdinalIgnoreCase)
    {
        "syncStateNotFound", "syncStateInvalid", "resyncRequired",
    };

    /// <summary>Null for what is none of the provider's business (a caller's cancellation, a bug): it goes up as it is.</summary>
    public static CalendarSyncException? Classify(Exception e, string calendarId, Target target, MicrosoftSyncOptions options,
        TimeProvider time, CancellationToken ct) => e switch
    {
        CalendarSyncException known => known,
        OperationCanceledException when ct.IsCancellationRequested => null,
        AuthenticationFailedException signIn => SignIn(signIn, options, time),
        ApiException graph => Graph(graph, calendarId, target, time),
        HttpRequestException or TimeoutException or OperationCanceledException => new CalendarSyncException(CalendarSyncFailure.Transient,
            $"Microsoft Graph could not be reached for {calendarId} in time: {e.Message}", inner: e),
        _ => null,
    };

    private static CalendarSyncException Graph(ApiException e, string calendarId, Target target, TimeProvider time)
    {
        var status = e.ResponseStatusCode;
        var error = (e as ODataError)?.Error;
        var code = error?.Code ?? "";
        var said = error?.Code is null ? $"HTTP {status}" : $"{status} {error.Code}: {error.Message}";
        if (target is Target.Delta && (status == 410 || DeltaStateGone.Contains(code)))
        {
            return new CalendarSyncException(CalendarSyncFailure.CursorExpired,
                $"Microsoft Graph no longer knows the delta state of {calendarId} ({said}); a full read starts again.", inner: e);
        }

        return status switch
        {
            429 or 503 => new CalendarSyncException(CalendarSyncFailure.Throttled,
                $"Microsoft Graph is throttling the calls for {calendarId} ({said}).", RetryAfter(e.ResponseHeaders, time), e),
            401 => new CalendarSyncException(CalendarSyncFailure.BadCredentials,
                $"Microsoft Graph refused the app's token for {calendarId} ({said}): check the app registration named by "
                + "Sync:Microsoft:ClientId in the tenant Sync:Microsoft:TenantId.", inner: e),
            403 => new CalendarSyncException(CalendarSyncFailure.MissingPermission,
                $"The app may not use the calendar of {calendarId} ({said}): grant it the application permission "
                + "Calendars.ReadWrite with admin consent, and include this room mailbox in its application access policy.", inner: e),
            404 when target is Target.Event && !MailboxMissing.Contains(code) => new CalendarSyncException(CalendarSyncFailure.UnknownEvent,
                $"The event is no longer on the calendar of {calendarId} ({said}).", inner: e),
            404 => new CalendarSyncException(CalendarSyncFailure.UnknownCalendar,
                $"Microsoft 365 has no room mailbox {calendarId} ({said}): link the mailbox by its SMTP address.", inner: e),
            408 or >= 500 => new CalendarSyncException(CalendarSyncFailure.Transient,
                $"Microsoft Graph failed on a call for {calendarId} ({said}).", inner: e),
            _ => new CalendarSyncException(CalendarSyncFailure.Rejected,
                $"Microsoft Graph refused a call for {calendarId} ({said}).", inner: e),
        };
    }

    private static CalendarSyncException SignIn(AuthenticationFailedException e, MicrosoftSyncOptions options, TimeProvider time)
    {
        var sts = InnerOf<MsalServiceException>(e);
        if (sts is null)
        {
            return InnerOf<HttpRequestException>(e) is not null || InnerOf<TimeoutException>(e) is not null
                ? new CalendarSyncException(CalendarSyncFailure.Transient,
                    $"The Microsoft 365 sign-in at {options.Authority} could not be reached: {FirstLine(e.Message)}", inner: e)
                : new CalendarSyncException(CalendarSyncFailure.BadCredentials,
                    $"The Microsoft 365 sign-in for tenant {options.TenantId} failed: {FirstLine(e.Message)}", inner: e);
        }

        var said = $"{sts.ErrorCode}: {FirstLine(sts.Message)}";
        return sts.StatusCode switch
        {
            429 => new CalendarSyncException(CalendarSyncFailure.Throttled,
                $"The Microsoft 365 sign-in is throttling the app ({said}).", Delay(sts.Headers?.RetryAfter, time), e),
            0 or 408 or >= 500 => new CalendarSyncException(CalendarSyncFailure.Transient,
                $"The Microsoft 365 sign-in at {options.Authority} failed ({said}).", inner: e),
            _ => new CalendarSyncException(CalendarSyncFailure.BadCredentials,
                $"Microsoft 365 refused the app's sign-in to tenant {options.TenantId}: {Hint(sts.ErrorCode, options)} ({said}).", inner: e),
        };
    }

    private static string Hint(string errorCode, MicrosoftSyncOptions options) => errorCode switch
    {
        "invalid_client" => "the client secret (Sync:Microsoft:ClientSecret) is wrong or has expired",
        "unauthorized_client" => $"the tenant has no app with the client id {options.ClientId} (Sync:Microsoft:ClientId)",
        "invalid_request" => "check the tenant id (Sync:Microsoft:TenantId)",
        _ => "check Sync:Microsoft:TenantId, ClientId and ClientSecret",
    };

    private static TimeSpan? RetryAfter(IDictionary<string, IEnumerable<string>> headers, TimeProvider time) =>
        headers.TryGetValue("Retry-After", out var values) && RetryConditionHeaderValue.TryParse(values.FirstOrDefault(), out var value)
            ? Delay(value, time)
            : null;

    /// <summary><c>Retry-After</c> is either seconds or a date; a date already past means "now".</summary>
    private static TimeSpan? Delay(RetryConditionHeaderValue? value, TimeProvider time) => value switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    private static T? InnerOf<T>(Exception e) where T : Exception
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r');
}
