using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Scheduling;

public class PromotionTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Fact]
    public async Task Concurrent_cancellations_promote_the_oldest_request_of_each_slot()
    {
        const int slots = 12;
        var venue = await Harness.SeedVenueAsync(v => v.Room("Popular"));
        var room = venue["Popular"];
        var ranges = Enumerable.Range(0, slots).Select(i => venue.At(Monday, "07:00", "07:30").Shift(TimeSpan.FromMinutes(30 * i))).ToList();
        var held = new List<BookingSnapshot>();
        foreach (var range in ranges)
        {
            held.Add(Booked(await Engine.CreateAsync(Request(range, room.Id), TestData.Alice)));
        }

        // Every older request is older than every newer one, so a pass that looks at a slot before its cancellation
        // commits and at the same slot's newer request after it would give the slot to the wrong person.
        var older = new List<Guid>();
        var newer = new List<Guid>();
        foreach (var (queue, actor) in new[] { (older, TestData.Bob), (newer, TestData.Operator) })
        {
            foreach (var range in ranges)
            {
                Harness.Clock.Advance(TimeSpan.FromSeconds(1));
                var queued = Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(Request(range, room.Id) with { JoinWaitlist = true }, actor));
                queue.Add(queued.Booking.Id);
            }
        }

        using var gate = new SemaphoreSlim(0);
        var cancellations = held.Select((b, i) => Task.Run(async () =>
        {
            await gate.WaitAsync();
            await Task.Delay(i * 7);
            return await Engine.CancelAsync(b.Id, TestData.Alice, "plans changed");
        })).ToList();
        gate.Release(slots);
        Assert.All(await Task.WhenAll(cancellations), r => Booked(r));

        foreach (var id in older)
        {
            Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(id)).Status);
        }

        foreach (var id in newer)
        {
            Assert.Equal(BookingStatus.Pending, (await Harness.LoadAsync(id)).Status);
        }

        Assert.Equal(slots, await Harness.HoldingAllocationsAsync(room.Id));
    }
}
