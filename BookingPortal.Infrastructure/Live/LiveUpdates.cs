using Microsoft.Extensions.Logging;

namespace BookingPortal.Infrastructure.Live;

/// <summary>
/// The per-instance fan-out of committed changes: Blazor circuits and SSE streams subscribe, the database listener
/// publishes. A slow or failing subscriber never holds up the others or the listener.
/// </summary>
public sealed class LiveUpdates(ILogger<LiveUpdates> logger)
{
    private readonly Lock _gate = new();
    private Subscription[] _subscribers = [];

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Calls <paramref name="onEvent"/> for every change until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(Func<LiveEvent, Task> onEvent)
    {
        var subscription = new Subscription(this, onEvent);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    public void Publish(LiveEvent change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            _ = DeliverAsync(subscriber.OnEvent, change);
        }
    }

    private async Task DeliverAsync(Func<LiveEvent, Task> subscriber, LiveEvent change)
    {
        try
        {
            await subscriber(change);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A live-update subscriber failed on {Type} {Id}", change.Type, change.Id);
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != subscription)];
        }
    }

    private sealed class Subscription(LiveUpdates owner, Func<LiveEvent, Task> onEvent) : IDisposable
    {
        public Func<LiveEvent, Task> OnEvent { get; } = onEvent;

        public void Dispose() => owner.Unsubscribe(this);
    }
}
