using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Live;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Web.Live;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace BookingPortal.Tests.Live;

/// <summary>The event stream's fan-out: one load and one serialisation per change, shared by every stream.</summary>
public sealed class EventStreamHubTests(DatabaseFixture database) : EngineTestBase(database), IDisposable
{
    private readonly LiveUpdates _updates = new(NullLogger<LiveUpdates>.Instance);
    private EventStreamHub? _hub;

    private EventStreamHub Hub => _hub ??= new EventStreamHub(_updates, new BookingQueries(Harness.Contexts), new LiveEventPayloads(Harness.Contexts),
        new LiveEventLog(Npgsql.NpgsqlDataSource.Create(Harness.ConnectionString), Options.Create(new LiveEventOptions()), TimeProvider.System),
        Options.Create(new HttpJsonOptions()), NullLogger<EventStreamHub>.Instance);

    public void Dispose() => _hub?.Dispose();

    private static async Task<EventStreamHub.Frame> NextAsync(EventStreamHub.Subscriber subscriber)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await subscriber.Frames.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task Every_stream_gets_the_same_frame_for_a_change()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Shared"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Shared"].Id), TestData.Alice));
        var subscribers = Enumerable.Range(0, 20).Select(_ => Hub.Subscribe(null)).ToList();

        _updates.Publish(new LiveEvent("booking.created", booking.Id, booking.OwnerId, [venue["Shared"].Id], [venue.Location.Id]));

        var frames = await Task.WhenAll(subscribers.Select(NextAsync));
        Assert.All(frames, f => Assert.Same(frames[0], f));
        var text = System.Text.Encoding.UTF8.GetString(frames[0].Bytes.Span);
        Assert.StartsWith("event: booking.created\ndata: {", text);
        Assert.Contains($"\"id\":\"{booking.Id}\"", text);
        Assert.EndsWith("}\n\n", text);
    }

    [Fact]
    public async Task Changes_keep_the_order_the_database_announced_them_in()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Ordered"));
        var bookings = new List<BookingSnapshot>();
        for (var hour = 8; hour < 14; hour++)
        {
            bookings.Add(Booked(await Engine.CreateAsync(Request(venue.At(Monday, $"{hour:00}:00", $"{hour:00}:30"), venue["Ordered"].Id), TestData.Alice)));
        }

        using var subscriber = Hub.Subscribe(venue.Location.Id);
        foreach (var booking in bookings)
        {
            _updates.Publish(new LiveEvent("booking.updated", booking.Id, null, [venue["Ordered"].Id], [venue.Location.Id]));
        }

        foreach (var booking in bookings)
        {
            Assert.Contains(booking.Id.ToString(), System.Text.Encoding.UTF8.GetString((await NextAsync(subscriber)).Bytes.Span));
        }
    }

    [Fact]
    public async Task Announcements_that_are_not_in_the_api_are_not_streamed_but_a_resync_reaches_everyone()
    {
        using var subscriber = Hub.Subscribe(Guid.NewGuid());

        _updates.Publish(new LiveEvent("resource.changed", Guid.NewGuid(), null, [], []));
        _updates.Publish(LiveEvent.Resync);

        Assert.StartsWith("event: resync\n", System.Text.Encoding.UTF8.GetString((await NextAsync(subscriber)).Bytes.Span));
    }

    [Fact]
    public async Task A_stream_that_falls_too_far_behind_is_closed_instead_of_buffering_for_ever()
    {
        using var stalled = Hub.Subscribe(null);
        using var reading = Hub.Subscribe(null);

        for (var i = 0; i < 1100; i++)
        {
            _updates.Publish(LiveEvent.Resync);
            await NextAsync(reading);
        }

        var drained = 0;
        while (stalled.Frames.TryRead(out _))
        {
            drained++;
        }

        Assert.Equal(1000, drained);
        Assert.True(stalled.Frames.Completion.IsCompleted);
    }
}
