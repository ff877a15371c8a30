using System.Collections.Concurrent;
using System.Net;
using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingPortal.Tests.Calendars.Sync.Microsoft;

/// <summary>
/// Stands in for the app's webhook on plain http loopback, reading Graph's calls with <see cref="GraphNotifications"/>
/// as the real endpoint will: the handshake echoed as text/plain, notification bodies parsed and acknowledged with 202.
/// </summary>
internal sealed class NotificationEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CalendarNotification> _received = new();
    private int _handshakes;

    private NotificationEndpoint(bool echo)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/api/sync/microsoft/notifications", async (HttpRequest request) =>
        {
            if (GraphNotifications.ValidationToken(request.Query) is { } token)
            {
                Interlocked.Increment(ref _handshakes);
                return echo ? Results.Text(token, "text/plain") : Results.Ok();
            }

            using var reader = new StreamReader(request.Body);
            if (GraphNotifications.Parse(await reader.ReadToEndAsync()) is not { } notifications)
            {
                return Results.BadRequest();
            }

            foreach (var notification in notifications)
            {
                _received.Enqueue(notification);
            }

            return Results.Accepted();
        });
    }

    /// <param name="echo">False answers the handshake with an empty 200, as an endpoint that ignores it would.</param>
    public static async Task<NotificationEndpoint> StartAsync(bool echo = true)
    {
        var endpoint = new NotificationEndpoint(echo);
        await endpoint._app.StartAsync();
        endpoint.Url = new Uri(new Uri(endpoint._app.Urls.Single()), "/api/sync/microsoft/notifications");
        return endpoint;
    }

    public Uri Url { get; private set; } = null!;

    public int Handshakes => _handshakes;

    public IReadOnlyList<CalendarNotification> Received => _received.ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
