using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;
using Google.Apis.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace BookingPortal.Infrastructure.Calendars.Sync.Google;

/// <summary>
/// The few Calendar v3 calls the sync makes, typed, over a <see cref="ConfigurableHttpClient"/> that the service account
/// credential signs (and re-signs once after a 401 with a fresh token). An HTTP error answer is a
/// <see cref="GoogleApiError"/> for the provider to interpret per call; a failure to get an answer at all, or a token,
/// is already a <see cref="CalendarSyncException"/>.
/// </summary>
internal sealed class GoogleCalendarApi : IDisposable
{
    public const string Scope = "https://www.googleapis.com/auth/calendar";

    private readonly ConfigurableHttpClient _http;
    private readonly TimeProvider _time;

    private GoogleCalendarApi(ConfigurableHttpClient http, TimeProvider time) => (_http, _time) = (http, time);

    public static GoogleCalendarApi Create(GoogleSyncOptions options, TimeProvider time)
    {
        var credential = CreateCredential(options);
        var http = new HttpClientFactory().CreateHttpClient(new CreateHttpClientArgs
        {
            ApplicationName = "BookingPortal",
            Initializers = { credential },
        });
        http.BaseAddress = new Uri(options.ApiBaseUrl.EndsWith('/') ? options.ApiBaseUrl : options.ApiBaseUrl + "/");
        http.Timeout = options.RequestTimeout;
        return new GoogleCalendarApi(http, time);
    }

    private static ServiceAccountCredential CreateCredential(GoogleSyncOptions options)
    {
        JsonCredentialParameters? key;
        try
        {
            key = NewtonsoftJsonSerializer.Instance.Deserialize<JsonCredentialParameters>(File.ReadAllText(options.ServiceAccountKeyFile!));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Newtonsoft.Json.JsonException)
        {
            // The exception's own message may quote the file; the key must never reach a log or an admin's screen.
            throw new CalendarSyncException(CalendarSyncFailure.BadCredentials,
                $"The Google service account key file '{options.ServiceAccountKeyFile}' cannot be read ({e.GetType().Name}).");
        }

        if (key is not { Type: JsonCredentialParameters.ServiceAccountCredentialType, ClientEmail: not null, PrivateKey: not null })
        {
            throw new CalendarSyncException(CalendarSyncFailure.BadCredentials,
                $"The file '{options.ServiceAccountKeyFile}' is not a Google service account key (type, client_email and private_key are needed).");
        }

        var initializer = new ServiceAccountCredential.Initializer(key.ClientEmail,
            options.TokenUrl ?? key.TokenUri ?? GoogleSyncOptions.DefaultTokenUrl)
        {
            User = options.ImpersonateUser,
            Scopes = [Scope],
            KeyId = key.PrivateKeyId,
            ProjectId = key.ProjectId,
        };
        try
        {
            return new ServiceAccountCredential(initializer.FromPrivateKey(key.PrivateKey));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new CalendarSyncException(CalendarSyncFailure.BadCredentials,
                $"The private key in '{options.ServiceAccountKeyFile}' cannot be used ({e.GetType().Name}).");
        }
    }

    public Task<GoogleCalendar> GetCalendarAsync(string calendarId, CancellationToken ct) =>
        SendAsync<GoogleCalendar>(HttpMethod.Get, $"calendars/{Escape(calendarId)}", null, ct)!;

    public Task<GoogleEvent> InsertEventAsync(string calendarId, GoogleEvent body, CancellationToken ct) =>
        SendAsync<GoogleEvent>(HttpMethod.Post, $"calendars/{Escape(calendarId)}/events?sendUpdates=none", body, ct)!;

    public Task<GoogleEvent> PatchEventAsync(string calendarId, string eventId, GoogleEvent body, CancellationToken ct) =>
        SendAsync<GoogleEvent>(HttpMethod.Patch, $"{EventPath(calendarId, eventId)}?sendUpdates=none", body, ct)!;

    public Task DeleteEventAsync(string calendarId, string eventId, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Delete, $"{EventPath(calendarId, eventId)}?sendUpdates=none", null, ct);

    public Task<GoogleEventList> ListEventsAsync(string calendarId, IDictionary<string, string?> query, CancellationToken ct) =>
        SendAsync<GoogleEventList>(HttpMethod.Get, QueryHelpers.AddQueryString($"calendars/{Escape(calendarId)}/events", query), null, ct)!;

    public Task<GoogleChannel> WatchEventsAsync(string calendarId, GoogleChannel channel, CancellationToken ct) =>
        SendAsync<GoogleChannel>(HttpMethod.Post, $"calendars/{Escape(calendarId)}/events/watch", channel, ct)!;

    public Task StopChannelAsync(GoogleChannelStop channel, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Post, "channels/stop", channel, ct);

    private static string EventPath(string calendarId, string eventId) => $"calendars/{Escape(calendarId)}/events/{Escape(eventId)}";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct) where T : class
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: GoogleJson.Options);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (TokenResponseException e)
        {
            throw TokenFailure(e);
        }
        catch (HttpRequestException e)
        {
            throw new CalendarSyncException(CalendarSyncFailure.Transient, $"Google Calendar could not be reached: {e.Message}", inner: e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new CalendarSyncException(CalendarSyncFailure.Transient, "Google Calendar did not answer in time.", inner: e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await GoogleApiError.ReadAsync(response, _time.GetUtcNow(), ct);
            }

            if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object))
            {
                return null;
            }

            try
            {
                return await response.Content.ReadFromJsonAsync<T>(GoogleJson.Options, ct)
                    ?? throw new JsonException("empty body");
            }
            catch (JsonException e)
            {
                throw new CalendarSyncException(CalendarSyncFailure.Transient, $"Google Calendar sent an answer this client cannot read: {e.Message}", inner: e);
            }
        }
    }

    private static CalendarSyncException TokenFailure(TokenResponseException e)
    {
        var status = (int?)e.StatusCode;
        // The token endpoint's error codes (RFC 6749 §5.2) and descriptions name the problem, never the key.
        var what = $"{e.Error?.Error}{(string.IsNullOrEmpty(e.Error?.ErrorDescription) ? "" : ": " + e.Error.ErrorDescription)}";
        return status switch
        {
            429 => new CalendarSyncException(CalendarSyncFailure.Throttled, $"Google's token endpoint is throttling: {what}"),
            >= 500 => new CalendarSyncException(CalendarSyncFailure.Transient, $"Google's token endpoint failed ({status}): {what}"),
            _ => new CalendarSyncException(CalendarSyncFailure.BadCredentials,
                $"Google refused the service account's credentials ({what}). Check the key and the domain-wide delegation of the calendar scope."),
        };
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>An HTTP error answer of the Calendar API, with the first <c>reason</c> of its error body and any <c>Retry-After</c>.</summary>
internal sealed class GoogleApiError(HttpStatusCode status, string? reason, string? message, TimeSpan? retryAfter)
    : Exception($"Google Calendar answered {(int)status}{(reason is null ? "" : $" ({reason})")}{(message is null ? "" : $": {message}")}")
{
    public HttpStatusCode Status { get; } = status;

    public string? Reason { get; } = reason;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static async Task<GoogleApiError> ReadAsync(HttpResponseMessage response, DateTimeOffset now, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        GoogleError? error = null;
        try
        {
            error = JsonSerializer.Deserialize<GoogleErrorBody>(text, GoogleJson.Options)?.Error;
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer with HTML; the status alone then says what happened.
        }

        return new GoogleApiError(response.StatusCode, error?.Errors?.FirstOrDefault()?.Reason, error?.Message, RetryAfterOf(response, now));
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}
