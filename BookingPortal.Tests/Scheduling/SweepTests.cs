using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Notifications;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Scheduling;

/// <summary>The sweeps themselves, run by hand against a clock the test moves.</summary>
public class SweepTests : SweepTestBase
{
    [Fact]
    public async Task A_no_show_releases_the_rest_of_its_slot_and_the_wait_list_gets_it_in_the_same_pass()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Focus").WithRules(r => r with { RequiresCheckIn = true }));
        var room = venue["Focus"];
        var missed = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "12:00"), room.Id), TestData.Alice));
        var waiting = Queued(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "12:00"), room.Id) with { JoinWaitlist = true }, TestData.Bob));

        Harness.Clock.Set(missed.Start.AddMinutes(16));
        Assert.Equal(1, await Sweeps.ReleaseNoShowsAsync(default));

        Assert.Equal(BookingStatus.NoShow, (await Harness.LoadAsync(missed.Id)).Status);
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(waiting.Id)).Status);
        var walkIn = venue.At(Monday, "10:30", "11:00");
        Booked(await Engine.CreateAsync(Request(walkIn, room.Id), TestData.Operator));
        Assert.Equal([NotificationKind.NoShow], await KindsForAsync(TestData.Alice.UserId));
        Assert.Equal([NotificationKind.Promoted], await KindsForAsync(TestData.Bob.UserId));
    }

    [Fact]
    public async Task Within_the_grace_period_or_checked_in_a_booking_is_no_no_show()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Focus").WithRules(r => r with { RequiresCheckIn = true }));
        var room = venue["Focus"];
        var late = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), room.Id), TestData.Alice));
        var arrived = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "12:00"), room.Id), TestData.Bob));

        Harness.Clock.Set(late.Start.AddMinutes(15));
        Assert.Equal(0, await Sweeps.ReleaseNoShowsAsync(default));
        Harness.Clock.Set(arrived.Start.AddMinutes(5));
        Booked(await Engine.CheckInAsync(arrived.Id, TestData.Bob));
        Harness.Clock.Set(arrived.Start.AddMinutes(30));
        Assert.Equal(1, await Sweeps.ReleaseNoShowsAsync(default));

        Assert.Equal(BookingStatus.NoShow, (await Harness.LoadAsync(late.Id)).Status);
        Assert.Equal(BookingStatus.CheckedIn, (await Harness.LoadAsync(arrived.Id)).Status);
    }

    [Fact]
    public async Task Bookings_on_resources_without_check_in_are_never_no_shows_and_complete_after_their_end()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Open"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Open"].Id), TestData.Alice));

        Harness.Clock.Set(booking.Start.AddMinutes(50));
        Assert.Equal(0, await Sweeps.ReleaseNoShowsAsync(default));
        Assert.Equal(0, await Sweeps.CompleteEndedAsync(default));
        Harness.Clock.Set(booking.End);
        Assert.Equal(1, await Sweeps.CompleteEndedAsync(default));

        var completed = await Harness.LoadAsync(booking.Id);
        Assert.Equal(BookingStatus.Completed, completed.Status);
        Assert.All(completed.Allocations, a => Assert.True(a.Holds));
        Assert.Empty(await KindsForAsync(TestData.Alice.UserId));
    }

    [Fact]
    public async Task Checked_in_bookings_complete_after_their_end_and_unattended_ones_wait_for_the_no_show_pass()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Focus").WithRules(r => r with { RequiresCheckIn = true }));
        var room = venue["Focus"];
        var attended = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), room.Id), TestData.Alice));
        var unattended = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "11:15"), room.Id), TestData.Bob));
        Harness.Clock.Set(attended.Start);
        Booked(await Engine.CheckInAsync(attended.Id, TestData.Alice));

        Harness.Clock.Set(unattended.End.AddMinutes(1));
        Assert.Equal(1, await Sweeps.CompleteEndedAsync(default));
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(unattended.Id)).Status);
        Harness.Clock.Set(unattended.Start.AddMinutes(16));
        Assert.Equal(1, await Sweeps.ReleaseNoShowsAsync(default));

        Assert.Equal(BookingStatus.Completed, (await Harness.LoadAsync(attended.Id)).Status);
        Assert.Equal(BookingStatus.NoShow, (await Harness.LoadAsync(unattended.Id)).Status);
    }

    [Fact]
    public async Task Waiting_requests_expire_once_their_start_has_passed()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Popular"));
        var room = venue["Popular"];
        var morning = venue.At(Monday, "10:00", "11:00");
        var afternoon = venue.At(Monday, "14:00", "15:00");
        Booked(await Engine.CreateAsync(Request(morning, room.Id), TestData.Alice));
        Booked(await Engine.CreateAsync(Request(afternoon, room.Id), TestData.Alice));
        var stale = Queued(await Engine.CreateAsync(Request(morning, room.Id) with { JoinWaitlist = true }, TestData.Bob));
        var fresh = Queued(await Engine.CreateAsync(Request(afternoon, room.Id) with { JoinWaitlist = true }, TestData.Bob));

        Harness.Clock.Set(morning.Start);
        Assert.Equal(1, await Sweeps.ExpireStaleRequestsAsync(default));

        Assert.Equal(BookingStatus.Expired, (await Harness.LoadAsync(stale.Id)).Status);
        Assert.Equal(BookingStatus.Pending, (await Harness.LoadAsync(fresh.Id)).Status);
        Assert.Equal([NotificationKind.Expired], await KindsForAsync(TestData.Bob.UserId));
    }

    [Fact]
    public async Task A_request_still_awaiting_approval_at_its_start_expires_frees_its_slot_and_tells_the_owner()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Board").WithRules(r => r with { RequiresApproval = true }));
        var board = venue["Board"];
        var morning = venue.At(Monday, "10:00", "11:00");
        var afternoon = venue.At(Monday, "14:00", "15:00");
        var undecided = Booked(await Engine.CreateAsync(Request(morning, board.Id), TestData.Alice));
        var later = Booked(await Engine.CreateAsync(Request(afternoon, board.Id), TestData.Alice));
        Assert.Equal(BookingStatus.AwaitingApproval, undecided.Status);

        Harness.Clock.Set(morning.Start.AddMinutes(1));
        Assert.Equal(1, await Sweeps.ExpireStaleRequestsAsync(default));

        var expired = await Harness.LoadAsync(undecided.Id);
        Assert.Equal(BookingStatus.Expired, expired.Status);
        Assert.Equal(BookingStatus.AwaitingApproval, (await Harness.LoadAsync(later.Id)).Status);
        var last = (await Harness.HistoryAsync(undecided.Id))[^1];
        Assert.Equal(("expired", "Not approved before it started."), (last.Action, last.Detail));
        // Only the afternoon request still holds the room.
        Assert.Equal(1, await Harness.HoldingAllocationsAsync(board.Id));
        Assert.Equal([NotificationKind.Expired], await KindsForAsync(TestData.Alice.UserId));
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        var told = await db.Notifications.AsNoTracking().SingleAsync(n => n.BookingId == undecided.Id);
        Assert.Equal("Booking request expired", told.Subject);
    }

    [Fact]
    public async Task Running_every_sweep_again_changes_nothing_more()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Focus").WithRules(r => r with { RequiresCheckIn = true });
            v.Room("Open");
        });
        var slot = venue.At(Monday, "10:00", "11:00");
        var noShow = Booked(await Engine.CreateAsync(Request(slot, venue["Focus"].Id), TestData.Alice));
        var ended = Booked(await Engine.CreateAsync(Request(slot, venue["Open"].Id), TestData.Alice));
        var waiting = Queued(await Engine.CreateAsync(Request(slot, venue["Open"].Id) with { JoinWaitlist = true }, TestData.Bob));
        Harness.Clock.Set(slot.End);

        var first = await RunAllAsync();
        var second = await RunAllAsync();

        Assert.Equal((0, 1, 1, 1), first);
        Assert.Equal((0, 0, 0, 0), second);
        Assert.Equal(2, (await Harness.HistoryAsync(noShow.Id)).Count);
        Assert.Equal(2, (await Harness.HistoryAsync(ended.Id)).Count);
        Assert.Equal(2, (await Harness.HistoryAsync(waiting.Id)).Count);
        Assert.Equal(2, (await KindsForAsync(TestData.Alice.UserId)).Count + (await KindsForAsync(TestData.Bob.UserId)).Count);
    }

    private async Task<(int Promoted, int NoShows, int Completed, int Expired)> RunAllAsync() =>
        (await Sweeps.PromoteWaitingAsync(default), await Sweeps.ReleaseNoShowsAsync(default),
            await Sweeps.CompleteEndedAsync(default), await Sweeps.ExpireStaleRequestsAsync(default));
}
