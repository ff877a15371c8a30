using BookingPortal.Tests.Support;

namespace BookingPortal.Benchmarks;

/// <summary>
/// One of the two app instances the clients address, by name. A killed one keeps its address until its replacement
/// is up, as a client that has not been told otherwise keeps calling it; every process it ever ran is kept for its log.
/// </summary>
internal sealed class ChaosInstance(string name, AppProcess first) : IAsyncDisposable
{
    private readonly List<AppProcess> _processes = [first];
    private volatile AppProcess _current = first;

    public string Name { get; } = name;

    public Uri BaseAddress => _current.BaseAddress;

    public IEnumerable<string> Log => _processes.SelectMany(p => p.Output);

    public void Kill() => _current.Kill();

    public void Replace(AppProcess next)
    {
        _processes.Add(next);
        _current = next;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}
