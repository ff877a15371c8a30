using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using BookingPortal.Infrastructure.Live;
using BookingPortal.Web.Live;
using Microsoft.AspNetCore.Http.Features;

namespace BookingPortal.Web.Api;

internal static class EventsEndpoints
{
    /// <summary>Proxies and load balancers close connections that stay silent; a comment line every so often keeps it open.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private static readonly ReadOnlyMemory<byte> Opening = Encoding.UTF8.GetBytes(": connected\nretry: 3000\n\n");
    private static readonly ReadOnlyMemory<byte> KeepAlive = Encoding.UTF8.GetBytes(": keep-alive\n\n");

    public static RouteGroupBuilder MapEvents(this RouteGroupBuilder api)
    {
        api.MapGet("/events", StreamAsync)
            .WithTags("Events")
            .WithName("StreamEvents")
            .WithSummary("Server-Sent Events: live booking and maintenance changes, optionally for one location")
            .WithDescription(
                "A text/event-stream that stays open. Event names: booking.created, booking.updated, booking.cancelled, " +
                "booking.checked_in, booking.no_show, booking.promoted (data: the booking, as GET /api/bookings/{id} returns it) " +
                "and block.created (data: the maintenance block). Events arrive in commit order; data is the row as read just " +
                "after the change, so a later change may already show. Each event has an id, increasing in commit order: " +
                "reconnecting with the Last-Event-ID header (or lastEventId in the query) first replays every event after it " +
                "that this stream would have carried, then continues live, with no gap and no repeat. An event named resync " +
                "(without id) means changes may have been missed (this server's database connection was interrupted, or the " +
                "last event id is older than the replay window or unknown): reload what you show. Comment lines keep the " +
                "connection alive.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> StreamAsync(HttpContext http, EventStreamHub hub, LiveEventPayloads payloads, IHostApplicationLifetime lifetime,
        [QueryValue(typeof(Guid), "Only changes at this location.")] string? locationId,
        [QueryValue(typeof(long), "Resume after this event id, as the Last-Event-ID header does (for EventSource polyfills that cannot send it).")]
        string? lastEventId)
    {
        var query = new QueryReader();
        var location = query.Id("locationId", locationId);
        if (!query.Errors.IsEmpty)
        {
            return Problems.Validation(query.Errors.ToDictionary());
        }

        if (location is { } id && !await payloads.LocationExistsAsync(id, http.RequestAborted))
        {
            return Problems.NotFound("The location");
        }

        // Streams end when the app stops, or shutdown would wait for every open stream to time out.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        using var subscription = hub.Subscribe(location);
        // Subscribed before the log is read, so whatever commits meanwhile is in the replay, the live frames or both;
        // "written" drops the second copy.
        var resumeAfter = ResumePosition(http.Request, lastEventId);
        var written = Math.Max(resumeAfter ?? 0, 0);
        IReadOnlyList<EventStreamHub.Frame> replay = resumeAfter switch
        {
            null => [],
            < 0 => [EventStreamHub.ResyncFrame],
            { } after => await hub.ReplayAsync(subscription, after, stop.Token) ?? [EventStreamHub.ResyncFrame],
        };
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = http.Response.BodyWriter;
        try
        {
            await body.WriteAsync(Opening, stop.Token);
            foreach (var frame in replay)
            {
                Write(body, frame, ref written);
            }

            await body.FlushAsync(stop.Token);
            while (true)
            {
                bool open;
                using (var beat = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
                {
                    beat.CancelAfter(Heartbeat);
                    try
                    {
                        open = await subscription.Frames.WaitToReadAsync(beat.Token);
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                        await body.WriteAsync(KeepAlive, stop.Token);
                        continue;
                    }
                }

                if (!open)
                {
                    break;
                }

                while (subscription.Frames.TryRead(out var frame))
                {
                    Write(body, frame, ref written);
                }

                await body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left or the app is stopping.
        }

        return Results.Empty;
    }

    /// <summary>
    /// Where the client left off: null for a fresh stream, -1 when it sent an id this server never gives (a resync
    /// then is the honest answer). Browsers send the header by themselves; the query serves EventSource polyfills.
    /// </summary>
    private static long? ResumePosition(HttpRequest request, string? lastEventId)
    {
        var sent = request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
        if (string.IsNullOrEmpty(sent))
        {
            return null;
        }

        return long.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var after) ? after : -1;
    }

    private static void Write(PipeWriter body, EventStreamHub.Frame frame, ref long written)
    {
        if (frame.EventId is { } id)
        {
            if (id <= written)
            {
                return;
            }

            written = id;
        }

        body.Write(frame.Bytes.Span);
    }
}
