using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Engine;

public class ConflictTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Theory]
    [InlineData("exact", "10:00", "11:00")]
    [InlineData("start overlap", "09:30", "10:30")]
    [InlineData("end overlap", "10:30", "11:30")]
    [InlineData("containing", "09:30", "11:30")]
    [InlineData("contained", "10:15", "10:45")]
    public async Task Overlapping_request_is_a_conflict(string _, string from, string to)
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"];
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), room.Id), TestData.Alice));

        var details = Conflicted(await Engine.CreateAsync(Request(venue.At(Monday, from, to), room.Id), TestData.Bob));

        var conflict = Assert.Single(details.Conflicts);
        Assert.Equal(room.Id, conflict.ResourceId);
        Assert.Equal(venue.At(Monday, "10:00", "11:00").Start, conflict.Start);
        Assert.Equal(1, await Harness.HoldingAllocationsAsync(room.Id));
        Assert.Equal(1, await Harness.BookingCountAsync(room.Id));
    }

    [Theory]
    [InlineData("09:00", "10:00")]
    [InlineData("11:00", "12:00")]
    public async Task Back_to_back_bookings_do_not_conflict(string from, string to)
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"];
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), room.Id), TestData.Alice));

        Booked(await Engine.CreateAsync(Request(venue.At(Monday, from, to), room.Id), TestData.Bob));

        Assert.Equal(2, await Harness.HoldingAllocationsAsync(room.Id));
    }

    [Fact]
    public async Task Buffers_widen_the_blocked_range()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Cleaned").WithRules(r => r with { BufferAfter = TimeSpan.FromMinutes(15) }));
        var room = venue["Cleaned"];
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), room.Id), TestData.Alice));

        var details = Conflicted(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "12:00"), room.Id), TestData.Bob));
        Assert.Equal(venue.At(Monday, "10:00", "11:15").End, Assert.Single(details.Conflicts).End);

        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "11:15", "12:00"), room.Id), TestData.Bob));
    }

    [Fact]
    public async Task Maintenance_blocks_are_enforced_and_offer_no_wait_list()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"];
        await Harness.AddBlockAsync(room, venue.At(Monday, "12:00", "14:00"));

        var details = Conflicted(await Engine.CreateAsync(Request(venue.At(Monday, "13:00", "13:30"), room.Id), TestData.Alice));

        Assert.Equal(BlockerKind.Maintenance, Assert.Single(details.Conflicts).Kind);
        Assert.False(details.CanJoinWaitlist);
        Assert.IsType<BookingResult.Conflict>(await Engine.CreateAsync(
            Request(venue.At(Monday, "13:00", "13:30"), room.Id) with { JoinWaitlist = true }, TestData.Alice));
        Assert.Equal(0, await Harness.BookingCountAsync(room.Id));
    }

    [Fact]
    public async Task Multi_resource_booking_with_one_resource_taken_books_none()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
        });
        var (aurora, borealis) = (venue["Aurora"], venue["Borealis"]);
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), borealis.Id), TestData.Alice));

        var details = Conflicted(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), aurora.Id, borealis.Id), TestData.Bob));

        Assert.Equal(borealis.Id, Assert.Single(details.Conflicts).ResourceId);
        Assert.Equal(0, await Harness.HoldingAllocationsAsync(aurora.Id));
        Assert.Equal(0, await Harness.BookingCountAsync(aurora.Id));
    }

    [Fact]
    public async Task Multi_resource_booking_takes_all_resources_at_once()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
        });
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id, venue["Borealis"].Id), TestData.Alice));

        Assert.Equal(2, booking.ResourceIds.Count);
        Assert.Equal(1, await Harness.HoldingAllocationsAsync(venue["Aurora"].Id));
        Assert.Equal(1, await Harness.HoldingAllocationsAsync(venue["Borealis"].Id));
    }

    [Fact]
    public async Task A_conflict_at_ten_suggests_the_nearest_free_slots_and_a_free_alternative_room()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora", capacity: 8).WithFeatures("projector");
            v.Room("Borealis", capacity: 10).WithFeatures("projector", "video");
            v.Room("Cosmos", capacity: 4).WithFeatures("projector");
            v.Room("Dune", capacity: 12);
            v.Desk("Desk 1");
        });
        var aurora = venue["Aurora"];
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "09:30"), aurora.Id), TestData.Alice));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), aurora.Id), TestData.Alice));

        var details = Conflicted(await Engine.CreateAsync(
            Request(venue.At(Monday, "10:00", "11:00"), aurora.Id) with { AttendeeCount = 6, RequiredFeatures = ["projector"] }, TestData.Bob));

        // Earlier hours collide with 09:00-09:30 until 08:00, so the later side fills up first.
        var starts = details.SuggestedSlots.Select(s => venue.Location.ToLocal(s.Start).ToString("HH:mm")).ToList();
        Assert.Equal(["11:00", "11:15", "11:30", "11:45", "08:00"], starts);
        Assert.All(details.SuggestedSlots, s => Assert.Equal(TimeSpan.FromHours(1), s.End - s.Start));
        Assert.All(details.SuggestedSlots, s => Assert.Equal([aurora.Id], s.ResourceIds));

        var alternative = Assert.Single(details.AlternativeResources);
        Assert.Equal("Borealis", alternative.Name);
        Assert.True(details.CanJoinWaitlist);
    }

    [Fact]
    public async Task Suggestions_stay_inside_opening_hours()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"];
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "18:30", "19:30"), room.Id), TestData.Alice));

        var details = Conflicted(await Engine.CreateAsync(Request(venue.At(Monday, "18:30", "19:30"), room.Id), TestData.Bob));

        Assert.NotEmpty(details.SuggestedSlots);
        Assert.All(details.SuggestedSlots, s => Assert.True(venue.Location.ToLocal(s.End).TimeOfDay <= TimeSpan.FromHours(20)));
        Assert.DoesNotContain(details.SuggestedSlots, s => venue.Location.ToLocal(s.Start).TimeOfDay > TimeSpan.FromHours(19));
    }
}
