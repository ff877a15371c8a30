using System.Threading.Channels;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Calendars.Sync.Outbox;
using BookingPortal.Infrastructure.Live;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingPortal.Tests.Live;

/// <summary>Committed changes reach this instance's subscribers through LISTEN/NOTIFY; uncommitted ones never do.</summary>
public sealed class LiveUpdateTests(DatabaseFixture fixture) : EngineTestBase(fixture), IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string _connectionString = fixture.ConnectionString;

    private readonly LiveUpdates _updates = new(NullLogger<LiveUpdates>.Instance);
    private readonly Channel<LiveEvent> _received = Channel.CreateUnbounded<LiveEvent>();
    private PostgresChangeListener _listener = null!;
    private IDisposable? _subscription;

    public async Task InitializeAsync()
    {
        _subscription = _updates.Subscribe(e => _received.Writer.WriteAsync(e).AsTask());
        _listener = new PostgresChangeListener(_connectionString, _updates,
            new CalendarPushWakeup(new ServiceCollection().BuildServiceProvider(), NullLogger<CalendarPushWakeup>.Instance),
            NullLogger<PostgresChangeListener>.Instance);
        await _listener.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => _listener.IsListening);
    }

    public async Task DisposeAsync()
    {
        _subscription?.Dispose();
        await _listener.StopAsync(CancellationToken.None);
        _listener.Dispose();
    }

    [Fact]
    public async Task Booking_created_through_the_engine_is_announced_with_its_resources_and_location()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Announced"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Announced"].Id), TestData.Alice));

        var change = await NextAsync(e => e.Id == booking.Id);

        Assert.Equal("booking.created", change.Type);
        Assert.Equal(TestData.Alice.UserId, change.UserId);
        Assert.Equal([venue["Announced"].Id], change.ResourceIds);
        Assert.Equal([venue.Location.Id], change.LocationIds);
    }

    [Fact]
    public async Task Status_changes_are_announced_by_name()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Named"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Named"].Id), TestData.Alice));
        await NextAsync(e => e.Id == booking.Id && e.Type == "booking.created");

        Assert.IsType<BookingResult.Success>(await Engine.CancelAsync(booking.Id, TestData.Alice, "Moved online"));

        Assert.Equal("booking.cancelled", (await NextAsync(e => e.Id == booking.Id)).Type);
    }

    [Fact]
    public async Task Racing_losers_announce_nothing()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Contested"));
        var room = venue["Contested"].Id;
        var slot = venue.At(Monday, "13:00", "14:00");

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Engine.CreateAsync(Request(slot, room), TestData.Alice))));
        var winner = Assert.Single(results.OfType<BookingResult.Success>()).Booking;
        var marker = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "15:00", "16:00"), room), TestData.Alice));

        // Notifications arrive in commit order, so once the later booking is announced every racer's fate is known.
        var announced = await CollectUntilAsync(e => e.Id == marker.Id);
        Assert.Equal([winner.Id, marker.Id], announced.Where(e => e.ResourceIds.Contains(room) && e.Type == "booking.created").Select(e => e.Id));
    }

    [Fact]
    public async Task Moving_a_booking_to_another_room_is_announced_for_both_rooms()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Left");
            v.Room("Right");
        });
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Left"].Id), TestData.Alice));
        await NextAsync(e => e.Id == booking.Id && e.Type == "booking.created");

        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, ResourceIds: [venue["Right"].Id]), TestData.Alice));

        var touched = new HashSet<Guid>();
        while (!touched.SetEquals([venue["Left"].Id, venue["Right"].Id]))
        {
            touched.UnionWith((await NextAsync(e => e.Id == booking.Id && e.Type == "booking.updated")).ResourceIds);
        }
    }

    [Fact]
    public async Task Listener_reconnects_after_losing_its_connection_and_asks_screens_to_resync()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Resilient"));
        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", admin);
            kill.Parameters.AddWithValue("name", PostgresChangeListener.ApplicationName);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        await NextAsync(e => e.IsResync);
        await WaitUntilAsync(() => _listener.IsListening);
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "12:00"), venue["Resilient"].Id), TestData.Alice));
        Assert.Equal("booking.created", (await NextAsync(e => e.Id == booking.Id)).Type);
    }

    private async Task<LiveEvent> NextAsync(Func<LiveEvent, bool> wanted) => (await CollectUntilAsync(wanted))[^1];

    private async Task<List<LiveEvent>> CollectUntilAsync(Func<LiveEvent, bool> last)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var seen = new List<LiveEvent>();
        while (true)
        {
            LiveEvent change;
            try
            {
                change = await _received.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The awaited change did not arrive within {Patience}; seen: "
                    + string.Join("; ", seen.Select(e => $"{e.Type} {e.Id} [{string.Join(",", e.ResourceIds)}]")));
            }

            seen.Add(change);
            if (last(change))
            {
                return seen;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task Editing_a_floor_is_announced_for_its_location()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Plan"));
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE floors SET name = 'Ground' WHERE id = {venue.Floors[0].Id}");
        }

        var change = await NextAsync(e => e.Type == "floor.changed");
        Assert.Equal(venue.Floors[0].Id, change.Id);
        Assert.Equal([venue.Location.Id], change.LocationIds);
    }
}
