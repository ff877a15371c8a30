using System.Collections.Concurrent;
using System.Diagnostics;

namespace BookingPortal.Benchmarks;

/// <summary>A booking as one answer showed it; the version is the row's xmin, so a later commit has a larger one.</summary>
internal sealed record BookingState(Guid Id, string Status, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<Guid> ResourceIds, uint Version, Guid? SeriesId);

/// <summary>
/// Everything the clients were told, kept so the database can be checked against it afterwards: every answer by
/// operation, the newest acknowledged state of every booking, what each idempotency key answered, and when the faults
/// happened.
/// </summary>
internal sealed class ChaosLedger
{
    public const string ConnectionError = "no answer";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<(string Operation, string Answer), int> _answers = new();
    private readonly ConcurrentDictionary<Guid, BookingState> _acknowledged = new();
    private readonly ConcurrentDictionary<Guid, byte> _maybeChangedUnseen = new();
    private readonly ConcurrentDictionary<string, Guid> _keys = new();
    private readonly ConcurrentQueue<string> _keyMismatches = new();
    private readonly ConcurrentQueue<string> _serverErrors = new();
    private readonly ConcurrentDictionary<(string Operation, string Answer), string> _firstBodies = new();
    private readonly ConcurrentQueue<(TimeSpan At, string Instance, string Answer)> _timeline = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _marks = new();
    private int _retries;

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyDictionary<(string Operation, string Answer), int> Answers => _answers;

    public IReadOnlyDictionary<Guid, BookingState> Acknowledged => _acknowledged;

    public IReadOnlyCollection<string> KeyMismatches => _keyMismatches;

    public IReadOnlyCollection<string> ServerErrors => _serverErrors;

    public IReadOnlyDictionary<string, TimeSpan> Marks => _marks;

    /// <summary>The body of the first answer of each kind to each operation, to tell what a refusal was about.</summary>
    public IReadOnlyDictionary<(string Operation, string Answer), string> FirstBodies => _firstBodies;

    public int Retries => _retries;

    public void Answer(string operation, string instance, string answer, string body)
    {
        _answers.AddOrUpdate((operation, answer), 1, (_, n) => n + 1);
        _timeline.Enqueue((Now, instance, answer));
        _firstBodies.TryAdd((operation, answer), body[..Math.Min(body.Length, 300)]);
        if (answer.StartsWith('5') && answer != "503")
        {
            _serverErrors.Enqueue($"{operation} on {instance}: {answer} {body[..Math.Min(body.Length, 300)]}");
        }
    }

    public void Retried() => Interlocked.Increment(ref _retries);

    /// <summary>Keeps the newest state any answer showed: answers to one client's requests may arrive in any order.</summary>
    public void Acknowledge(BookingState state) =>
        _acknowledged.AddOrUpdate(state.Id, state, (_, known) => state.Version >= known.Version ? state : known);

    /// <summary>
    /// A write to these bookings whose outcome nobody learned (no answer, or a 503 after its commit may have happened),
    /// or a series edit that may rewrite members its answer does not list: a newer version than acknowledged is expected.
    /// </summary>
    public void MayHaveChanged(IEnumerable<Guid> bookings)
    {
        foreach (var id in bookings)
        {
            _maybeChangedUnseen[id] = 0;
        }
    }

    public bool ExplainsNewerVersion(Guid booking) => _maybeChangedUnseen.ContainsKey(booking);

    /// <summary>The key of a create answered with this booking (or series); a replay that answers another one is a duplicate.</summary>
    public void KeyAnswered(string key, Guid created)
    {
        var first = _keys.GetOrAdd(key, created);
        if (first != created)
        {
            _keyMismatches.Enqueue($"{key} answered {first} first and {created} later");
        }
    }

    public void Mark(string name) => _marks[name] = Now;

    /// <summary>The first and last time an answer matching <paramref name="match"/> arrived, from <paramref name="from"/> on.</summary>
    public (TimeSpan First, TimeSpan Last, int Count)? Window(Func<string, string, bool> match, TimeSpan from, TimeSpan until)
    {
        var hits = _timeline.Where(t => t.At >= from && t.At <= until && match(t.Instance, t.Answer)).Select(t => t.At).ToList();
        return hits.Count == 0 ? null : (hits.Min(), hits.Max(), hits.Count);
    }

    /// <summary>The first answer matching <paramref name="match"/> after <paramref name="from"/>.</summary>
    public TimeSpan? FirstAfter(TimeSpan from, Func<string, string, bool> match) =>
        _timeline.Where(t => t.At > from && match(t.Instance, t.Answer)).Select(t => (TimeSpan?)t.At).Min();
}
