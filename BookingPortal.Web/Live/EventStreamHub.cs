using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Live;
using Microsoft.Extensions.Options;
using Npgsql;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace BookingPortal.Web.Live;

/// <summary>
/// Feeds <c>GET /api/events</c> (ADR 011). Each announced change is loaded and serialised once on this instance, in
/// the order the database announced it, and the same bytes are handed to every matching stream. A stream that falls
/// too far behind is ended rather than allowed to hold memory: its client reconnects and resumes (ADR 016).
/// </summary>
public sealed class EventStreamHub : IDisposable
{
    /// <summary>The event names of SPEC §3; other announcements (resources, floors, display links) are not streamed.</summary>
    public static readonly FrozenSet<string> StreamedTypes = FrozenSet.Create(StringComparer.Ordinal,
        "booking.created", "booking.updated", "booking.cancelled", "booking.checked_in", "booking.no_show", "booking.promoted",
        "block.created");

    /// <summary>Sent after this instance may have missed changes: clients should reload what they show.</summary>
    public const string ResyncEvent = "resync";

    private const int Backlog = 1000;

    /// <summary>Has no id, so a client's last event id stays where it was.</summary>
    public static readonly Frame ResyncFrame = Frame.Of(ResyncEvent, "{}", [], null);

    private readonly BookingQueries _bookings;
    private readonly LiveEventPayloads _payloads;
    private readonly LiveEventLog _log;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger<EventStreamHub> _logger;
    private readonly Channel<Task<Frame?>> _inOrder = Channel.CreateUnbounded<Task<Frame?>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;
    private Subscriber[] _subscribers = [];

    public EventStreamHub(LiveUpdates updates, BookingQueries bookings, LiveEventPayloads payloads, LiveEventLog log,
        IOptions<HttpJsonOptions> json, ILogger<EventStreamHub> logger)
    {
        _bookings = bookings;
        _payloads = payloads;
        _log = log;
        _json = json.Value.SerializerOptions;
        _logger = logger;
        _ = Task.Run(FanOutAsync);
        _subscription = updates.Subscribe(OnChange);
    }

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>A stream of frames for one client, for every location or only <paramref name="locationId"/>.</summary>
    public Subscriber Subscribe(Guid? locationId)
    {
        var subscriber = new Subscriber(this, locationId);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }

        return subscriber;
    }

    /// <summary>
    /// The frames <paramref name="subscriber"/> missed after event <paramref name="after"/>, from the live-event log, in
    /// order and filtered as its live frames are; null when that position is outside the replay window.
    /// </summary>
    public async Task<IReadOnlyList<Frame>?> ReplayAsync(Subscriber subscriber, long after, CancellationToken ct)
    {
        if (await _log.ReadAfterAsync(after, StreamedTypes, ct) is not { } missed)
        {
            return null;
        }

        var frames = new List<Frame>(missed.Count);
        foreach (var change in missed)
        {
            if (await PrepareAsync(change) is { } frame && subscriber.Wants(frame))
            {
                frames.Add(frame);
            }
        }

        return frames;
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _inOrder.Writer.TryComplete();
    }

    private Task OnChange(LiveEvent change)
    {
        // Runs synchronously in the listener's announcement order, so queueing here keeps that order for the fan-out
        // while the loads themselves overlap.
        if (SubscriberCount == 0)
        {
            return Task.CompletedTask;
        }

        if (change.IsResync)
        {
            _inOrder.Writer.TryWrite(Task.FromResult<Frame?>(ResyncFrame));
        }
        else if (StreamedTypes.Contains(change.Type))
        {
            _inOrder.Writer.TryWrite(PrepareAsync(change));
        }

        return Task.CompletedTask;
    }

    private async Task<Frame?> PrepareAsync(LiveEvent change)
    {
        // After a database restart each dead pooled connection fails once; a change is worth a couple of tries.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                string? json = change.Type.StartsWith("block.", StringComparison.Ordinal)
                    ? await _payloads.BlockAsync(change.Id) is { } block ? JsonSerializer.Serialize(block, _json) : null
                    : await _bookings.GetAsync(change.Id) is { } booking ? JsonSerializer.Serialize(booking, _json) : null;
                return json is null ? null : Frame.Of(change.Type, json, change.LocationIds, change.EventId);
            }
            catch (Exception e) when (attempt < 3 && e is NpgsqlException or InvalidOperationException)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    private async Task FanOutAsync()
    {
        await foreach (var pending in _inOrder.Reader.ReadAllAsync())
        {
            Frame? frame;
            try
            {
                frame = await pending;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Could not load an announced change for the event stream");
                continue;
            }

            if (frame is null)
            {
                continue;
            }

            foreach (var subscriber in Volatile.Read(ref _subscribers))
            {
                subscriber.Offer(frame);
            }
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != subscriber)];
        }
    }

    /// <summary>One event, ready to write: the SSE text is encoded once and shared by every stream.</summary>
    public sealed record Frame(IReadOnlyList<Guid> LocationIds, long? EventId, ReadOnlyMemory<byte> Bytes)
    {
        public bool IsForEveryone => LocationIds.Count == 0;

        public static Frame Of(string type, string json, IReadOnlyList<Guid> locationIds, long? eventId) =>
            new(locationIds, eventId, Encoding.UTF8.GetBytes(eventId is { } id
                ? $"id: {id.ToString(CultureInfo.InvariantCulture)}\nevent: {type}\ndata: {json}\n\n"
                : $"event: {type}\ndata: {json}\n\n"));
    }

    public sealed class Subscriber : IDisposable
    {
        private readonly EventStreamHub _hub;
        private readonly Guid? _locationId;
        private readonly Channel<Frame> _frames = Channel.CreateBounded<Frame>(new BoundedChannelOptions(Backlog)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        internal Subscriber(EventStreamHub hub, Guid? locationId)
        {
            _hub = hub;
            _locationId = locationId;
        }

        public ChannelReader<Frame> Frames => _frames.Reader;

        /// <summary>The one filter for live and replayed frames alike.</summary>
        internal bool Wants(Frame frame) =>
            _locationId is not { } wanted || frame.IsForEveryone || frame.LocationIds.Contains(wanted);

        internal void Offer(Frame frame)
        {
            if (!Wants(frame))
            {
                return;
            }

            if (!_frames.Writer.TryWrite(frame))
            {
                _hub._logger.LogInformation("An event stream fell {Backlog} events behind and was closed", Backlog);
                _frames.Writer.TryComplete();
            }
        }

        public void Dispose()
        {
            _frames.Writer.TryComplete();
            _hub.Remove(this);
        }
    }
}
