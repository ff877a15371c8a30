using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Notifications;
using BookingPortal.Infrastructure.Bookings;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Scheduling;

/// <summary>Freeing a slot promotes the wait list at once; the periodic sweep is only the backstop.</summary>
public class PromotionTests : SweepTestBase
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
                queue.Add(Queued(await Engine.CreateAsync(Request(range, room.Id) with { JoinWaitlist = true }, actor)).Id);
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

    [Fact]
    public async Task Rejecting_a_request_awaiting_approval_promotes_the_next_in_line_to_await_approval()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Board").WithRules(r => r with { RequiresApproval = true }));
        var slot = venue.At(Monday, "10:00", "11:00");
        var first = Booked(await Engine.CreateAsync(Request(slot, venue["Board"].Id), TestData.Alice));
        var next = Queued(await Engine.CreateAsync(Request(slot, venue["Board"].Id) with { JoinWaitlist = true }, TestData.Bob));

        Booked(await Engine.RejectAsync(first.Id, TestData.Admin, "board meeting"));

        Assert.Equal(BookingStatus.AwaitingApproval, (await Harness.LoadAsync(next.Id)).Status);
        Assert.Equal([NotificationKind.Rejected], await KindsForAsync(TestData.Alice.UserId));
        Assert.Equal([NotificationKind.Promoted], await KindsForAsync(TestData.Bob.UserId));
    }

    [Fact]
    public async Task Rescheduling_away_promotes_the_request_waiting_for_the_old_slot()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"].Id;
        var slot = venue.At(Monday, "10:00", "11:00");
        var moving = Booked(await Engine.CreateAsync(Request(slot, room), TestData.Alice));
        var next = Queued(await Engine.CreateAsync(Request(slot, room) with { JoinWaitlist = true }, TestData.Bob));
        var later = venue.At(Monday, "15:00", "16:00");

        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(moving.Id, later.Start, later.End), TestData.Alice));

        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(next.Id)).Status);
        Assert.Equal(2, await Harness.HoldingAllocationsAsync(room));
    }

    [Fact]
    public async Task The_sweep_promotes_a_request_whose_slot_freed_without_a_promotion()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"].Id;
        var slot = venue.At(Monday, "10:00", "11:00");
        var held = Booked(await Engine.CreateAsync(Request(slot, room), TestData.Alice));
        var next = Queued(await Engine.CreateAsync(Request(slot, room) with { JoinWaitlist = true }, TestData.Bob));
        // A release that bypassed the engine, as a crash between commit and promotion would leave it.
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            await db.Allocations.Where(a => a.BookingId == held.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Holds, false));
        }

        Assert.Equal(1, await Sweeps.PromoteWaitingAsync(default));
        Assert.Equal(0, await Sweeps.PromoteWaitingAsync(default));

        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(next.Id)).Status);
    }
}
