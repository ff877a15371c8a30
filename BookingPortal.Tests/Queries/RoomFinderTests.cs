using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Infrastructure.Reports;

namespace BookingPortal.Tests.Queries;

public sealed class RoomFinderTests(DatabaseFixture database) : EngineTestBase(database)
{
    private RoomFinder Finder => new(new ResourceCatalog(Harness.Contexts), new DemandLog(Harness.Contexts, Harness.Clock));

    [Fact]
    public async Task The_smallest_room_that_fits_comes_first_and_rooms_too_small_are_left_out()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Huge", capacity: 20);
            v.Room("Snug", capacity: 4);
            v.Room("Tiny", capacity: 2);
            v.Room("Cosy", capacity: 6);
        });

        var matches = await Finder.FindAsync(new RoomSearch(venue.Location.Id, venue.At(Monday, "10:00", "11:00"), 4, []), TestData.Alice);

        Assert.Equal(["Snug", "Cosy", "Huge"], matches.Select(m => m.Resource.Name));
        Assert.Equal([0, 2, 16], matches.Select(m => m.SpareSeats));
    }

    [Fact]
    public async Task Wished_features_and_floor_rank_before_size_and_a_room_missing_one_says_which()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Plain", capacity: 4);
            v.Room("Beamer", capacity: 8).WithFeatures("projector");
            v.RoomUpstairs("Upstairs beamer", capacity: 6).WithFeatures("projector", "video");
        });
        var ground = venue.Floors[0].Id;

        var matches = await Finder.FindAsync(new RoomSearch(venue.Location.Id, venue.At(Monday, "10:00", "11:00"), 4, ["Projector"], ground), TestData.Alice);

        Assert.Equal(["Beamer", "Upstairs beamer", "Plain"], matches.Select(m => m.Resource.Name));
        Assert.True(matches[0].MatchesEverything);
        Assert.False(matches[1].OnPreferredFloor);
        Assert.Equal(["projector"], matches[2].MissingFeatures);
    }

    [Fact]
    public async Task Taken_rooms_other_kinds_and_rooms_whose_rules_refuse_the_duration_are_not_offered()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Taken");
            v.Room("Short only").WithRules(r => r with { MaxDuration = TimeSpan.FromMinutes(30) });
            v.Room("Free");
            v.Desk("Desk 1");
        });
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:30", "11:30"), venue["Taken"].Id), TestData.Alice));

        var matches = await Finder.FindAsync(new RoomSearch(venue.Location.Id, venue.At(Monday, "10:00", "11:00"), 1, []), TestData.Alice);

        Assert.Equal("Free", Assert.Single(matches).Resource.Name);
        var desks = await Finder.FindAsync(new RoomSearch(venue.Location.Id, venue.At(Monday, "10:00", "11:00"), 1, [], Kind: ResourceKind.Desk), TestData.Alice);
        Assert.Equal("Desk 1", Assert.Single(desks).Resource.Name);
    }
}
