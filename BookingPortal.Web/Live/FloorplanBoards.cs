using System.Collections.Concurrent;
using BookingPortal.Infrastructure.Displays;
using BookingPortal.Infrastructure.Floorplan;
using BookingPortal.Infrastructure.Live;

namespace BookingPortal.Web.Live;

/// <summary>
/// This instance's floorplan boards, one per location, shared by every screen that shows it. A change to a location
/// reloads its board once and pushes the new one to each of its screens, so a hundred open displays cost one query per
/// change rather than a hundred; a timer also reloads at every full minute while screens watch, because states such
/// as "starting soon" change with the clock alone.
/// </summary>
public sealed class FloorplanBoards : IDisposable
{
    private readonly FloorplanQueries _queries;
    private readonly TimeProvider _time;
    private readonly ILogger<FloorplanBoards> _logger;
    private readonly ConcurrentDictionary<Guid, Feed> _feeds = new();
    private readonly IDisposable _subscription;

    public FloorplanBoards(FloorplanQueries queries, LiveUpdates updates, TimeProvider time, ILogger<FloorplanBoards> logger)
    {
        _queries = queries;
        _time = time;
        _logger = logger;
        _subscription = updates.Subscribe(OnChangeAsync);
    }

    /// <summary>Screens watching boards on this instance, over all locations.</summary>
    public int WatcherCount => _feeds.Values.Sum(f => f.WatcherCount);

    /// <summary>The location's current board; loads it when there is none yet or it is out of date. Null for an unknown location.</summary>
    public Task<FloorplanBoard?> CurrentAsync(Guid locationId) => FeedOf(locationId).CurrentAsync();

    /// <summary>Calls <paramref name="onBoard"/> with every newer board of the location until the returned handle is disposed.</summary>
    public IDisposable Watch(Guid locationId, Func<FloorplanBoard, Task> onBoard) => FeedOf(locationId).Add(onBoard);

    public void Dispose()
    {
        _subscription.Dispose();
        foreach (var feed in _feeds.Values)
        {
            feed.Dispose();
        }
    }

    private Feed FeedOf(Guid locationId) => _feeds.GetOrAdd(locationId, id => new Feed(this, id));

    private Task OnChangeAsync(LiveEvent change)
    {
        // Display links are not on the board; everything else a location announces is.
        if (change.Type == DisplayLinks.RevokedEvent)
        {
            return Task.CompletedTask;
        }

        foreach (var feed in _feeds.Values)
        {
            if (change.Concerns(feed.LocationId))
            {
                feed.Invalidate();
            }
        }

        return Task.CompletedTask;
    }

    private sealed class Feed(FloorplanBoards owner, Guid locationId) : IDisposable
    {
        // A board without watchers is not kept fresh by the minute timer, so it is only reused while this young.
        private static readonly TimeSpan UnwatchedLifetime = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

        private readonly Lock _gate = new();
        private Watcher[] _watchers = [];
        private FloorplanBoard? _latest;
        private DateTimeOffset _latestAt;
        private bool _dirty;
        private Task? _runner;
        private TaskCompletionSource<FloorplanBoard?>? _nextBoard;
        private ITimer? _minuteTimer;
        private int _failures;

        public Guid LocationId { get; } = locationId;

        public int WatcherCount => Volatile.Read(ref _watchers).Length;

        public async Task<FloorplanBoard?> CurrentAsync()
        {
            Task<FloorplanBoard?> next;
            lock (_gate)
            {
                var fresh = _latest is not null && !_dirty
                    && (_watchers.Length > 0 || owner._time.GetUtcNow() - _latestAt < UnwatchedLifetime);
                if (fresh)
                {
                    return _latest;
                }

                _nextBoard ??= new TaskCompletionSource<FloorplanBoard?>(TaskCreationOptions.RunContinuationsAsynchronously);
                next = _nextBoard.Task;
                InvalidateLocked();
            }

            return await next;
        }

        public IDisposable Add(Func<FloorplanBoard, Task> onBoard)
        {
            var watcher = new Watcher(this, onBoard);
            lock (_gate)
            {
                _watchers = [.. _watchers, watcher];
                _minuteTimer ??= StartMinuteTimer();
            }

            return watcher;
        }

        public void Invalidate()
        {
            lock (_gate)
            {
                InvalidateLocked();
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _minuteTimer?.Dispose();
                _minuteTimer = null;
            }
        }

        private void Remove(Watcher watcher)
        {
            lock (_gate)
            {
                _watchers = [.. _watchers.Where(w => w != watcher)];
                if (_watchers.Length == 0)
                {
                    _minuteTimer?.Dispose();
                    _minuteTimer = null;
                }
            }
        }

        private ITimer StartMinuteTimer()
        {
            var now = owner._time.GetUtcNow();
            var untilNextMinute = TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerMinute);
            return owner._time.CreateTimer(_ => Invalidate(), null, untilNextMinute, TimeSpan.FromMinutes(1));
        }

        /// <summary>
        /// Marks the board stale and makes sure one reload runs. Changes arriving during a reload only ask for one more,
        /// so a burst of a hundred bookings costs two queries, not a hundred.
        /// </summary>
        private void InvalidateLocked()
        {
            _dirty = true;
            _runner ??= Task.Run(ReloadWhileDirtyAsync);
        }

        private async Task ReloadWhileDirtyAsync()
        {
            while (true)
            {
                lock (_gate)
                {
                    if (!_dirty)
                    {
                        _runner = null;
                        return;
                    }

                    _dirty = false;
                }

                FloorplanBoard? board;
                try
                {
                    board = await owner._queries.BoardAsync(LocationId);
                }
                catch (Exception e)
                {
                    // Screens keep the board they have. After a database restart each dead pooled connection fails
                    // once, so try again soon, backing off while the database stays away.
                    owner._logger.LogWarning(e, "Could not load the floorplan board of location {LocationId}", LocationId);
                    TaskCompletionSource<FloorplanBoard?>? failed;
                    lock (_gate)
                    {
                        failed = _nextBoard;
                        _nextBoard = null;
                        _failures++;
                        if (_watchers.Length > 0)
                        {
                            var wait = TimeSpan.FromMilliseconds(Math.Min(LongestRetry.TotalMilliseconds, 250 * Math.Pow(2, _failures - 1)));
                            _ = Task.Delay(wait).ContinueWith(_ => Invalidate(), TaskScheduler.Default);
                        }
                    }

                    failed?.TrySetException(e);
                    continue;
                }

                Watcher[] watchers;
                TaskCompletionSource<FloorplanBoard?>? waiting;
                lock (_gate)
                {
                    _failures = 0;
                    _latest = board;
                    _latestAt = owner._time.GetUtcNow();
                    watchers = _watchers;
                    waiting = _nextBoard;
                    _nextBoard = null;
                }

                waiting?.TrySetResult(board);
                if (board is not null)
                {
                    foreach (var watcher in watchers)
                    {
                        _ = watcher.DeliverAsync(board, owner._logger);
                    }
                }
            }
        }

        private sealed class Watcher(Feed feed, Func<FloorplanBoard, Task> onBoard) : IDisposable
        {
            public async Task DeliverAsync(FloorplanBoard board, ILogger logger)
            {
                try
                {
                    await onBoard(board);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "A floorplan screen failed to take a new board");
                }
            }

            public void Dispose() => feed.Remove(this);
        }
    }
}
