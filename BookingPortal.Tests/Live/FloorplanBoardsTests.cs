using System.Collections.Concurrent;
using BookingPortal.Infrastructure.Floorplan;
using BookingPortal.Infrastructure.Live;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Web.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace BookingPortal.Tests.Live;

/// <summary>One board per location per instance: reloaded once per burst of changes and shared by every screen.</summary>
public sealed class FloorplanBoardsTests(DatabaseFixture database) : EngineTestBase(database), IDisposable
{
    private readonly LiveUpdates _updates = new(NullLogger<LiveUpdates>.Instance);
    private FloorplanBoards? _boards;

    private FloorplanBoards Boards => _boards ??= new FloorplanBoards(new FloorplanQueries(Harness.Contexts, Harness.Clock), _updates,
        Harness.Clock, NullLogger<FloorplanBoards>.Instance);

    public void Dispose() => _boards?.Dispose();

    private static LiveEvent ChangeAt(Venue venue) => new("booking.created", Guid.NewGuid(), null, [], [venue.Location.Id]);

    private static async Task QuietAsync(Func<int> count, int atLeast = 0)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (count() < atLeast)
        {
            await Task.Delay(20, timeout.Token);
        }

        // Settled once nothing new has arrived for a while; the assertions then look at what did arrive.
        var seen = -1;
        while (seen != count())
        {
            seen = count();
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task Every_screen_of_a_location_gets_the_same_board_object()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Shared"));
        var received = new ConcurrentBag<FloorplanBoard>();
        var watches = Enumerable.Range(0, 10).Select(_ => Boards.Watch(venue.Location.Id, board =>
        {
            received.Add(board);
            return Task.CompletedTask;
        })).ToList();

        _updates.Publish(ChangeAt(venue));
        await QuietAsync(() => received.Count, atLeast: 10);

        Assert.Equal(10, received.Count);
        Assert.Single(received.Distinct());
        watches.ForEach(w => w.Dispose());
    }

    [Fact]
    public async Task A_burst_of_changes_reloads_the_board_at_most_twice()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Busy"));
        var pushes = 0;
        using var watch = Boards.Watch(venue.Location.Id, _ =>
        {
            Interlocked.Increment(ref pushes);
            return Task.CompletedTask;
        });

        for (var i = 0; i < 100; i++)
        {
            _updates.Publish(ChangeAt(venue));
        }

        await QuietAsync(() => Volatile.Read(ref pushes), atLeast: 1);
        Assert.InRange(pushes, 1, 2);
    }

    [Fact]
    public async Task A_change_elsewhere_leaves_a_locations_screens_alone()
    {
        var watched = await Harness.SeedVenueAsync(v => v.Room("Watched"));
        var other = await Harness.SeedVenueAsync(v => v.Room("Other"));
        var pushes = 0;
        using var watch = Boards.Watch(watched.Location.Id, _ =>
        {
            Interlocked.Increment(ref pushes);
            return Task.CompletedTask;
        });
        await Boards.CurrentAsync(watched.Location.Id);
        await QuietAsync(() => Volatile.Read(ref pushes), atLeast: 1);
        var before = pushes;

        _updates.Publish(ChangeAt(other));
        _updates.Publish(new LiveEvent("display_link.revoked", Guid.NewGuid(), null, [], [watched.Location.Id]));
        await QuietAsync(() => Volatile.Read(ref pushes));

        Assert.Equal(before, pushes);
        _updates.Publish(LiveEvent.Resync);
        await QuietAsync(() => Volatile.Read(ref pushes), atLeast: before + 1);
        Assert.Equal(before + 1, pushes);
    }

    [Fact]
    public async Task An_unknown_location_has_no_board()
    {
        Assert.Null(await Boards.CurrentAsync(Guid.NewGuid()));
    }
}
