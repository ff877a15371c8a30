using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Engine;

public class IdempotencyTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Fact]
    public async Task Replaying_a_key_returns_the_same_booking_and_stores_nothing_new()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var command = Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id) with { IdempotencyKey = "retry-42" };

        var first = Booked(await Engine.CreateAsync(command, TestData.Alice));
        var replay = Assert.IsType<BookingResult.Success>(await Engine.CreateAsync(command, TestData.Alice));

        Assert.True(replay.Replayed);
        Assert.Equal(first.Id, replay.Booking.Id);
        Assert.Equal(1, await Harness.BookingCountAsync(venue["Aurora"].Id));
        Assert.Single(await Harness.HistoryAsync(first.Id));
    }

    [Fact]
    public async Task Parallel_retries_with_one_key_store_one_booking()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var command = Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id) with { IdempotencyKey = "double-click" };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Engine.CreateAsync(command, TestData.Alice))));

        var ids = results.Select(r => Assert.IsType<BookingResult.Success>(r).Booking.Id).Distinct();
        Assert.Single(ids);
        Assert.Equal(1, await Harness.BookingCountAsync(venue["Aurora"].Id));
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var command = Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id) with { IdempotencyKey = "k1" };
        Booked(await Engine.CreateAsync(command, TestData.Alice));

        var reused = await Engine.CreateAsync(command with { Title = "Something else" }, TestData.Alice);

        Assert.IsType<BookingResult.KeyReused>(reused);
        Assert.Equal(1, await Harness.BookingCountAsync(venue["Aurora"].Id));
    }

    [Fact]
    public async Task Keys_belong_to_their_owner()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var command = Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id) with { IdempotencyKey = "shared" };
        Booked(await Engine.CreateAsync(command, TestData.Alice));

        var bobs = await Engine.CreateAsync(command with { Start = command.Start.AddHours(2), End = command.End.AddHours(2) }, TestData.Bob);

        Booked(bobs);
    }
}
