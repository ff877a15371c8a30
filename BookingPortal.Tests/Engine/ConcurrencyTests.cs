using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Engine;

/// <summary>Real parallel requests on separate connections; the exclusion constraint must leave exactly one winner.</summary>
public class ConcurrencyTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Fact]
    public async Task Fifty_parallel_creates_for_one_slot_confirm_exactly_one()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Contested");
            v.Room("Spare");
        });
        var room = venue["Contested"];
        var slot = venue.At(Monday, "10:00", "11:00");
        var actors = Enumerable.Range(0, 50).Select(i => TestData.Alice with { UserId = $"user-{i}" }).ToList();

        using var start = new SemaphoreSlim(0);
        var attempts = actors.Select(actor => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await Engine.CreateAsync(Request(slot, room.Id), actor);
        })).ToList();
        start.Release(actors.Count);
        var results = await Task.WhenAll(attempts);

        Assert.Single(results.OfType<BookingResult.Success>());
        var conflicts = results.OfType<BookingResult.Conflict>().ToList();
        Assert.Equal(49, conflicts.Count);
        Assert.All(conflicts, c =>
        {
            Assert.NotEmpty(c.Details.SuggestedSlots);
            Assert.Contains(c.Details.AlternativeResources, a => a.Name == "Spare");
        });
        Assert.Equal(1, await Harness.HoldingAllocationsAsync(room.Id));
        Assert.Equal(1, await Harness.BookingCountAsync(room.Id));
    }

    [Fact]
    public async Task Fifty_parallel_creates_for_distinct_slots_all_confirm()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Busy"));
        var room = venue["Busy"];
        var opening = venue.At(Monday, "07:00", "07:15");

        using var start = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync();
            var slot = opening.Shift(TimeSpan.FromMinutes(15 * i));
            return await Engine.CreateAsync(Request(slot, room.Id), TestData.Alice with { UserId = $"user-{i}" });
        })).ToList();
        start.Release(50);
        var results = await Task.WhenAll(attempts);

        Assert.All(results, r => Assert.IsType<BookingResult.Success>(r));
        Assert.Equal(50, await Harness.HoldingAllocationsAsync(room.Id));
    }

    [Fact]
    public async Task Two_reschedules_racing_into_the_same_free_slot_leave_exactly_one_winner()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Raced"));
        var room = venue["Raced"];
        for (var round = 0; round < 10; round++)
        {
            var offset = TimeSpan.FromMinutes(45 * round);
            var first = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "07:00", "07:15").Shift(offset), room.Id), TestData.Alice));
            var second = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "07:15", "07:30").Shift(offset), room.Id), TestData.Bob));
            var target = venue.At(Monday, "07:30", "07:45").Shift(offset);

            using var start = new SemaphoreSlim(0);
            var moves = new[] { (first, TestData.Alice), (second, TestData.Bob) }.Select(m => Task.Run(async () =>
            {
                await start.WaitAsync();
                return await Engine.ChangeAsync(new ChangeBookingCommand(m.Item1.Id, target.Start, target.End), m.Item2);
            })).ToList();
            start.Release(2);
            var results = await Task.WhenAll(moves);

            Assert.Single(results.OfType<BookingResult.Success>());
            Assert.Single(results.OfType<BookingResult.Conflict>());
        }

        Assert.Equal(20, await Harness.HoldingAllocationsAsync(room.Id));
    }

    [Fact]
    public async Task Twenty_reschedules_racing_into_one_slot_give_one_winner_and_nineteen_conflicts_without_errors()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Crowded"));
        var room = venue["Crowded"];
        var bookings = new List<BookingSnapshot>();
        for (var i = 0; i < 20; i++)
        {
            var slot = venue.At(Monday, "07:00", "07:15").Shift(TimeSpan.FromMinutes(15 * i));
            bookings.Add(Booked(await Engine.CreateAsync(Request(slot, room.Id), TestData.Alice)));
        }

        var target = venue.At(Monday, "14:00", "14:15");
        using var start = new SemaphoreSlim(0);
        var moves = bookings.Select(b => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await Engine.ChangeAsync(new ChangeBookingCommand(b.Id, target.Start, target.End), TestData.Alice);
        })).ToList();
        start.Release(bookings.Count);
        var results = await Task.WhenAll(moves);

        Assert.Single(results.OfType<BookingResult.Success>());
        Assert.Equal(19, results.OfType<BookingResult.Conflict>().Count());
        Assert.Equal(20, await Harness.HoldingAllocationsAsync(room.Id));
    }
}
