using System.Collections.Concurrent;
using BookingPortal.Infrastructure.Calendars.Sync;

namespace BookingPortal.Tests.Calendars.Sync;

/// <summary>
/// A calendar service held in memory behind the provider contract, for the outbox's own rules (what is owed, retries,
/// leases, attention) without any wire format; the providers' wire formats are tested against their fakes. It keeps
/// what a real service keeps: events by id, and the delivery keys creates were sent with, so a create sent again
/// after a lost answer returns the first event.
/// </summary>
public sealed class InMemoryCalendarProvider(string name = "google") : ICalendarProvider
{
    private readonly ConcurrentDictionary<string, string> _calendars = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, StoredEvent> _events = new();
    private readonly ConcurrentDictionary<string, string> _idsByDeliveryKey = new();
    private readonly ConcurrentQueue<Func<string, Exception?>> _faults = new();
    private int _creates;
    private int _updates;
    private int _deletes;

    public string Name { get; } = name;

    public bool IsConfigured { get; set; } = true;

    /// <summary>Every call fails as our credentials being revoked would make it.</summary>
    public bool CredentialsRevoked { get; set; }

    public int Creates => _creates;
    public int Updates => _updates;
    public int Deletes => _deletes;

    public void AddCalendar(string calendarId, string displayName) => _calendars[calendarId] = displayName;

    public IReadOnlyList<StoredEvent> EventsIn(string calendarId) =>
        _events.Values.Where(e => e.CalendarId.Equals(calendarId, StringComparison.OrdinalIgnoreCase)).OrderBy(e => e.Outgoing.StartUtc).ToList();

    /// <summary>The next call fails with this, before doing anything.</summary>
    public void FailNext(CalendarSyncException failure) => _faults.Enqueue(_ => failure);

    /// <summary>The next create is stored, but its answer never arrives: the caller sees a timeout.</summary>
    public void LoseNextCreateAnswer() => _faults.Enqueue(operation => operation == "create-after"
        ? new CalendarSyncException(CalendarSyncFailure.Transient, "The request timed out.")
        : null);

    /// <summary>Someone deleted the event in the calendar itself: one of ours, or one made there.</summary>
    public void DeleteDirectly(string externalId)
    {
        var calendar = _events.TryRemove(externalId, out var gone)
            ? gone.CalendarId
            : _changes.First(log => { lock (log.Value) { return log.Value.Any(c => c.ExternalId == externalId); } }).Key;
        Changed(calendar, new PulledEvent(externalId, true, null, null, null, null, null, false, null, null));
    }

    private readonly ConcurrentDictionary<string, List<PulledEvent>> _changes = new(StringComparer.OrdinalIgnoreCase);
    private int _cursorGeneration;

    /// <summary>An event someone made or moved in the calendar itself, as its organiser.</summary>
    public string PutDirectly(string calendarId, string? externalId, string subject, DateTimeOffset start, DateTimeOffset end, bool free = false)
    {
        var id = externalId ?? Guid.NewGuid().ToString("N");
        Changed(calendarId, new PulledEvent(id, false, start, end, subject, "Grace Hopper", "grace@outside.test", free, null, "1"));
        return id;
    }

    /// <summary>Every cursor handed out so far stops working, as a sync token that expired.</summary>
    public void ExpireCursors() => Interlocked.Increment(ref _cursorGeneration);

    private void Changed(string calendarId, PulledEvent change)
    {
        var log = _changes.GetOrAdd(calendarId, _ => []);
        lock (log)
        {
            log.Add(change);
        }
    }

    public Task<CalendarInfo> CheckCalendarAsync(string calendarId, CancellationToken ct)
    {
        Fault("check");
        return _calendars.TryGetValue(calendarId, out var display)
            ? Task.FromResult(new CalendarInfo(calendarId, display))
            : throw new CalendarSyncException(CalendarSyncFailure.UnknownCalendar, $"There is no calendar {calendarId}.");
    }

    public Task<PushedEvent> CreateAsync(string calendarId, OutgoingEvent outgoing, CancellationToken ct)
    {
        Fault("create");
        Interlocked.Increment(ref _creates);
        var id = _idsByDeliveryKey.GetOrAdd(outgoing.DeliveryKey, _ => Guid.NewGuid().ToString("N"));
        _events.TryAdd(id, new StoredEvent(id, calendarId, outgoing));
        Fault("create-after");
        return Task.FromResult(new PushedEvent(id, "1"));
    }

    public Task<PushedEvent> UpdateAsync(string calendarId, string externalId, OutgoingEvent outgoing, CancellationToken ct)
    {
        Fault("update");
        Interlocked.Increment(ref _updates);
        if (!_events.ContainsKey(externalId))
        {
            throw new CalendarSyncException(CalendarSyncFailure.UnknownEvent, "The event is gone.");
        }

        _events[externalId] = new StoredEvent(externalId, calendarId, outgoing);
        return Task.FromResult(new PushedEvent(externalId, "2"));
    }

    public Task DeleteAsync(string calendarId, string externalId, CancellationToken ct)
    {
        Fault("delete");
        Interlocked.Increment(ref _deletes);
        _events.TryRemove(externalId, out _);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A cursor is "generation:position" in the calendar's change log. A full read gives the latest state of every event
    /// in the window, pushed ones included (as a provider would, without our marker), one event per page.
    /// </summary>
    public Task<PullPage> PullAsync(string calendarId, string? cursor, DateTimeOffset windowStartUtc, DateTimeOffset windowEndUtc,
        CancellationToken ct)
    {
        Fault("pull");
        var log = _changes.GetOrAdd(calendarId, _ => []);
        List<PulledEvent> changes;
        lock (log)
        {
            changes = [.. log];
        }

        var generation = Volatile.Read(ref _cursorGeneration);
        if (cursor is null)
        {
            var latest = changes.GroupBy(c => c.ExternalId).Select(g => g.Last())
                .Where(c => !c.Removed && c.EndUtc > windowStartUtc && c.StartUtc < windowEndUtc)
                .Concat(EventsIn(calendarId).Select(e => new PulledEvent(e.Id, false, e.Outgoing.StartUtc, e.Outgoing.EndUtc, e.Outgoing.Title,
                    null, null, false, null, null)))
                .ToList();
            return Task.FromResult(new PullPage(latest, null, $"{generation}:{changes.Count}"));
        }

        var parts = cursor.Split(':');
        if (int.Parse(parts[0]) != generation)
        {
            throw new CalendarSyncException(CalendarSyncFailure.CursorExpired, "The sync token is no longer valid.");
        }

        return Task.FromResult(new PullPage(changes.Skip(int.Parse(parts[1])).ToList(), null, $"{generation}:{changes.Count}"));
    }

    public Task<CalendarSubscription> SubscribeAsync(string calendarId, Uri notificationUrl, string secret, CancellationToken ct) =>
        throw new NotSupportedException("The in-memory calendar sends no notifications.");

    public Task<CalendarSubscription> RenewAsync(string calendarId, CalendarSubscription current, Uri notificationUrl, string secret,
        CancellationToken ct) => throw new NotSupportedException("The in-memory calendar sends no notifications.");

    public Task UnsubscribeAsync(CalendarSubscription subscription, CancellationToken ct) => Task.CompletedTask;

    private void Fault(string operation)
    {
        if (CredentialsRevoked)
        {
            throw new CalendarSyncException(CalendarSyncFailure.BadCredentials, "The service account key was revoked.");
        }

        if (_faults.TryPeek(out var next) && next(operation) is { } failure && _faults.TryDequeue(out _))
        {
            throw failure;
        }
    }

    public sealed record StoredEvent(string Id, string CalendarId, OutgoingEvent Outgoing);
}
