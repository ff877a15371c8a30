using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Floorplan;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Floorplan;

/// <summary>The board a floorplan draws, read from the database at the location's own wall-clock time.</summary>
public sealed class FloorplanBoardTests(DatabaseFixture database) : EngineTestBase(database)
{
    private FloorplanQueries Queries => new(Harness.Contexts, Harness.Clock);

    private void SetLocalClock(Venue venue, DateOnly day, string time) => Harness.Clock.Set(venue.Location.ToUtc(day, TimeOnly.Parse(time)));

    [Fact]
    public async Task Every_state_is_read_at_the_locations_wall_clock_time()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Awaiting").WithRules(r => r with { RequiresCheckIn = true });
            v.Room("CheckedIn").WithRules(r => r with { RequiresCheckIn = true });
            v.Room("Soon");
            v.Room("InUse");
            v.Room("Blocked");
            v.Room("Idle");
        });
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Awaiting"].Id), TestData.Alice));
        var checkedIn = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["CheckedIn"].Id), TestData.Alice));
        var soon = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:20", "10:00"), venue["Soon"].Id), TestData.Bob));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "08:00", "12:00"), venue["InUse"].Id), TestData.Bob));
        await Harness.AddBlockAsync(venue["Blocked"], venue.At(Monday, "08:00", "12:00"));
        SetLocalClock(venue, Monday, "09:10");
        Booked(await Engine.CheckInAsync(checkedIn.Id, TestData.Alice));

        var board = (await Queries.BoardAsync(venue.Location.Id))!;

        var states = board.Floors.Single().Resources.ToDictionary(r => r.Name, r => r.State);
        Assert.Equal(ResourceState.AwaitingCheckIn, states["Awaiting"]);
        Assert.Equal(ResourceState.Occupied, states["CheckedIn"]);
        Assert.Equal(ResourceState.StartingSoon, states["Soon"]);
        Assert.Equal(ResourceState.Occupied, states["InUse"]);
        Assert.Equal(ResourceState.Maintenance, states["Blocked"]);
        Assert.Equal(ResourceState.Free, states["Idle"]);
        // Berlin is UTC+1 in March: the board speaks local time.
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 9, 10, 0, TimeSpan.FromHours(1)), board.Now);
        Assert.Equal(board.Now.Offset, board.Resource(venue["Soon"].Id)!.Next!.Start.Offset);
        Assert.Equal("09:20", board.Resource(venue["Soon"].Id)!.Next!.Start.ToString("HH:mm"));
        Assert.Equal(soon.Id, board.Resource(venue["Soon"].Id)!.Next!.Id);
        Assert.Equal("Carpet cleaning", board.Resource(venue["Blocked"].Id)!.Maintenance!.Reason);
    }

    [Fact]
    public async Task An_operator_no_show_releases_the_room_on_the_board()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Lonely").WithRules(r => r with { RequiresCheckIn = true }));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Lonely"].Id), TestData.Alice));
        SetLocalClock(venue, Monday, "09:20");

        Booked(await Engine.MarkNoShowAsync(booking.Id, TestData.OperatorAt(venue.Location)));

        var room = (await Queries.BoardAsync(venue.Location.Id))!.Resource(venue["Lonely"].Id)!;
        Assert.Equal(ResourceState.Released, room.State);
        Assert.Equal(booking.Id, room.Current!.Id);
    }

    [Fact]
    public async Task Operator_actions_open_and_close_with_the_clock()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Timed").WithRules(r => r with { RequiresCheckIn = true }));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Timed"].Id), TestData.Alice));

        async Task<BoardBooking> At(string time)
        {
            SetLocalClock(venue, Monday, time);
            return (await Queries.BoardAsync(venue.Location.Id))!.Today.Single(b => b.Id == booking.Id);
        }

        Assert.Equal((false, false, true), Actions(await At("08:40")));
        Assert.Equal((true, false, true), Actions(await At("08:45")));
        Assert.Equal((true, false, true), Actions(await At("09:15")));
        Assert.Equal((false, true, true), Actions(await At("09:16")));
        Assert.Equal((false, true, false), Actions(await At("10:00")));

        static (bool CheckIn, bool NoShow, bool Cancel) Actions(BoardBooking b) => (b.CanCheckIn, b.CanMarkNoShow, b.CanCancel);
    }

    [Fact]
    public async Task Arrivals_within_the_hour_reach_past_local_midnight()
    {
        var venue = await Harness.SeedVenueAsync(v => v.InZone("Pacific/Auckland").OpenAllDay().Room("Night"));
        var tuesday = Monday.AddDays(1);
        var after = Booked(await Engine.CreateAsync(Request(venue.At(tuesday, "00:15", "01:00"), venue["Night"].Id), TestData.Alice));
        Booked(await Engine.CreateAsync(Request(venue.At(tuesday, "01:30", "02:00"), venue["Night"].Id), TestData.Alice));
        SetLocalClock(venue, Monday, "23:30");

        var board = (await Queries.BoardAsync(venue.Location.Id))!;

        Assert.Equal([after.Id], board.ArrivingWithin(FloorplanBoard.ArrivalsWindow).Select(b => b.Id));
        Assert.Equal(TimeSpan.FromHours(13), board.Now.Offset);
        Assert.Equal(ResourceState.Free, board.Resource(venue["Night"].Id)!.State);
    }

    [Fact]
    public async Task Cancelled_and_wait_listed_bookings_and_inactive_resources_stay_off_the_board()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Kept");
            v.Room("Retired");
        });
        var cancelled = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Kept"].Id), TestData.Alice));
        Booked(await Engine.CancelAsync(cancelled.Id, TestData.Alice, null));
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            (await db.Resources.SingleAsync(r => r.Id == venue["Retired"].Id)).Deactivate();
            await db.SaveChangesAsync();
        }

        SetLocalClock(venue, Monday, "09:30");
        var board = (await Queries.BoardAsync(venue.Location.Id))!;

        Assert.Equal(["Kept"], board.Floors.Single().Resources.Select(r => r.Name));
        Assert.Empty(board.Today);
        Assert.Equal(ResourceState.Free, board.Resource(venue["Kept"].Id)!.State);
    }

    [Fact]
    public async Task An_unknown_location_has_no_board()
    {
        Assert.Null(await Queries.BoardAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_booking_over_two_floors_shows_on_both()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Upstairs");
            v.Room("Downstairs");
        });
        var upper = new Floor(Guid.CreateVersion7(), venue.Location.Id, "Upper", 1, 100, 60);
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            db.Floors.Add(upper);
            await db.SaveChangesAsync();
            (await db.Resources.SingleAsync(r => r.Id == venue["Upstairs"].Id)).PlaceOnFloor(upper.Id, FloorplanShape.Rectangle(0, 0, 10, 10));
            await db.SaveChangesAsync();
        }

        var both = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Upstairs"].Id, venue["Downstairs"].Id), TestData.Alice));
        SetLocalClock(venue, Monday, "09:30");

        var board = (await Queries.BoardAsync(venue.Location.Id))!;

        Assert.Equal(["Ground", "Upper"], board.Floors.Select(f => f.Name));
        Assert.All(board.Floors, f => Assert.Equal(both.Id, f.Resources.Single().Current!.Id));
    }
}
