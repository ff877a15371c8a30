using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Engine;

public class LifecycleTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Fact]
    public async Task Every_engine_transition_is_stored_in_history_with_actor_and_reason()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Board").WithRules(r => r with { RequiresApproval = true }));
        var created = await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Board"].Id), TestData.Alice);
        var booking = Booked(created);
        Assert.Equal(BookingStatus.AwaitingApproval, booking.Status);

        Booked(await Engine.ApproveAsync(booking.Id, TestData.Admin, "ok"));
        Harness.Clock.Set(booking.Start.AddMinutes(-10));
        Booked(await Engine.CheckInAsync(booking.Id, TestData.Alice));

        var history = await Harness.HistoryAsync(booking.Id);
        Assert.Equal(["created", "approved", "checked_in"], history.Select(h => h.Action));
        Assert.Equal([null, BookingStatus.AwaitingApproval, BookingStatus.Confirmed], history.Select(h => h.FromStatus));
        Assert.Equal([TestData.Alice.UserId, TestData.Admin.UserId, TestData.Alice.UserId], history.Select(h => h.ActorId));
        Assert.Equal("ok", history[1].Detail);
    }

    [Fact]
    public async Task Cancelling_frees_the_slot_and_promotes_the_oldest_waiting_request()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Popular"));
        var room = venue["Popular"];
        var slot = venue.At(Monday, "10:00", "11:00");
        var held = Booked(await Engine.CreateAsync(Request(slot, room.Id), TestData.Alice));

        var older = Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(Request(slot, room.Id) with { JoinWaitlist = true }, TestData.Bob));
        Harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(Request(slot, room.Id) with { JoinWaitlist = true }, TestData.Operator));
        Assert.Equal(BookingStatus.Pending, older.Booking.Status);
        Assert.Equal(1, await Harness.HoldingAllocationsAsync(room.Id));

        Booked(await Engine.CancelAsync(held.Id, TestData.Alice, "off sick"));

        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(older.Booking.Id)).Status);
        Assert.Equal(BookingStatus.Pending, (await Harness.LoadAsync(newer.Booking.Id)).Status);
        Assert.Equal(1, await Harness.HoldingAllocationsAsync(room.Id));
        Assert.Equal(["created", "promoted"], (await Harness.HistoryAsync(older.Booking.Id)).Select(h => h.Action));
    }

    [Fact]
    public async Task Illegal_transitions_are_refused_with_both_states_named()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        Booked(await Engine.CancelAsync(booking.Id, TestData.Alice, null));

        var refused = Assert.IsType<BookingResult.Refused>(await Engine.CancelAsync(booking.Id, TestData.Alice, null));

        Assert.Contains("Cancelled", refused.Reason);
        Assert.Equal(2, (await Harness.HistoryAsync(booking.Id)).Count);
    }

    [Fact]
    public async Task Check_in_outside_the_window_is_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));

        var early = Assert.IsType<BookingResult.Refused>(await Engine.CheckInAsync(booking.Id, TestData.Alice));

        Assert.Contains("check-in is open from", early.Reason);
    }

    [Fact]
    public async Task Only_the_owner_or_staff_with_the_right_role_may_act()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));

        Assert.IsType<BookingResult.Forbidden>(await Engine.CancelAsync(booking.Id, TestData.Bob, null));
        Assert.IsType<BookingResult.Forbidden>(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, Title: "Mine now"), TestData.Bob));
        Assert.IsType<BookingResult.Forbidden>(await Engine.ApproveAsync(booking.Id, TestData.OperatorAt(venue.Location)));
        Assert.IsType<BookingResult.Forbidden>(await Engine.CancelAsync(booking.Id, TestData.Operator, "assigned nowhere"));
        Booked(await Engine.CancelAsync(booking.Id, TestData.OperatorAt(venue.Location), "room needed for visitors"));
    }

    [Fact]
    public async Task A_stale_version_is_reported_not_overwritten()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        var renamed = Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, Title: "Retro", ExpectedVersion: booking.Version), TestData.Alice));
        Assert.NotEqual(booking.Version, renamed.Version);

        var stale = await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, Title: "Demo", ExpectedVersion: booking.Version), TestData.Alice);

        Assert.Equal(renamed.Version, Assert.IsType<BookingResult.Stale>(stale).CurrentVersion);
        Assert.Equal("Retro", (await Harness.LoadAsync(booking.Id)).Title);
    }

    [Fact]
    public async Task Rescheduling_within_its_own_slot_does_not_conflict_with_itself()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        var longer = venue.At(Monday, "10:00", "11:30");

        var moved = Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, longer.Start, longer.End), TestData.Alice));

        Assert.Equal(longer.End, moved.End);
        Assert.Equal(1, await Harness.HoldingAllocationsAsync(venue["Aurora"].Id));
    }

    [Fact]
    public async Task Moving_to_another_room_releases_the_first()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
        });
        var slot = venue.At(Monday, "10:00", "11:00");
        var booking = Booked(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id), TestData.Alice));

        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, ResourceIds: [venue["Borealis"].Id]), TestData.Alice));

        Assert.Equal(0, await Harness.HoldingAllocationsAsync(venue["Aurora"].Id));
        Booked(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id), TestData.Bob));
    }

    [Fact]
    public async Task Moving_a_booking_to_another_room_gives_it_a_new_version()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("From");
            v.Room("To");
        });
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["From"].Id), TestData.Alice));

        var moved = Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, ResourceIds: [venue["To"].Id]), TestData.Alice));

        Assert.NotEqual(booking.Version, moved.Version);
        Assert.IsType<BookingResult.Stale>(await Engine.ChangeAsync(
            new ChangeBookingCommand(booking.Id, Title: "Late edit", ExpectedVersion: booking.Version), TestData.Alice));
    }
}
