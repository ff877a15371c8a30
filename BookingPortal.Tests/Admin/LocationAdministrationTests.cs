using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Admin;

public class LocationAdministrationTests(DatabaseFixture database) : AdminTestBase(database)
{
    private static LocationDefinition Office(string name, params OpeningInterval[] hours) =>
        new(name, "America/New_York", hours.Length > 0 ? hours : [new(DayOfWeek.Monday, new(8, 0), new(12, 0)), new(DayOfWeek.Monday, new(13, 0), new(18, 0))]);

    private async Task<int> CountAsync<T>() where T : class
    {
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        return await db.Set<T>().CountAsync();
    }

    [Fact]
    public async Task A_location_keeps_several_intervals_a_day_closures_and_its_grace_period()
    {
        var name = Unique("Harbour");
        var created = Ok(await Locations.CreateAsync(Office(name) with
        {
            Closures = [new Closure(new DateOnly(2027, 7, 4), new DateOnly(2027, 7, 5), " Independence Day "), new Closure(new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 1), "")],
            NoShowGraceMinutes = 10,
        }));

        var stored = (await Catalog.LocationsAsync()).Single(l => l.Id == created.Id);
        Assert.Equal(name, stored.Name);
        Assert.Equal("America/New_York", stored.TimeZone);
        Assert.Equal([(new TimeOnly(8, 0), new TimeOnly(12, 0)), (new TimeOnly(13, 0), new TimeOnly(18, 0))], stored.OpeningHours.Select(h => (h.Start, h.End)));
        Assert.Equal(["Closed", "Independence Day"], stored.Closures.Select(c => c.Reason));
        Assert.Equal(10, stored.NoShowGraceMinutes);
    }

    [Fact]
    public async Task Every_bad_field_is_named_at_once_and_nothing_is_stored()
    {
        var before = await CountAsync<Location>();
        var errors = Invalid(await Locations.CreateAsync(new LocationDefinition(" ", "Mars/Olympus_Mons",
            [new(DayOfWeek.Tuesday, new(9, 0), new(8, 0)), new(DayOfWeek.Friday, new(8, 0), new(12, 0)), new(DayOfWeek.Friday, new(11, 0), new(14, 0))],
            [new Closure(new DateOnly(2027, 5, 2), new DateOnly(2027, 5, 1), "Backwards")],
            NoShowGraceMinutes: 300)));

        Assert.Equal(["closures[0]", "name", "noShowGraceMinutes", "openingHours.Friday", "openingHours.Tuesday", "timeZoneId"], errors.Keys.Order());
        Assert.Contains("overlap", errors["openingHours.Friday"][0]);
        Assert.Contains("must end after it starts", errors["openingHours.Tuesday"][0]);
        Assert.Equal(before, await CountAsync<Location>());
    }

    [Fact]
    public async Task Two_locations_cannot_share_a_name()
    {
        var name = Unique("Twin");
        Ok(await Locations.CreateAsync(Office(name)));

        var errors = Invalid(await Locations.CreateAsync(Office(name.ToUpperInvariant())));

        Assert.Contains("already a location", errors["name"][0]);
    }

    [Fact]
    public async Task New_opening_hours_apply_to_the_next_booking_at_once()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"].Id;
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "18:00", "19:00"), room), TestData.Alice));

        var location = (await Catalog.LocationsAsync()).Single(l => l.Id == venue.Location.Id);
        Ok(await Locations.UpdateAsync(location.Id, new LocationDefinition(location.Name, location.TimeZone,
            [.. TestData.Weekdays(new TimeOnly(7, 0), new TimeOnly(17, 0))], [new Closure(Monday.AddDays(1), Monday.AddDays(1), "Carnival")])));

        var late = Assert.IsType<BookingResult.Invalid>(await Engine.CreateAsync(Request(venue.At(Monday, "17:00", "18:00"), room), TestData.Alice));
        Assert.Contains("is not open", late.Errors["start"][0]);
        Assert.IsType<BookingResult.Invalid>(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(1), "10:00", "11:00"), room), TestData.Alice));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "16:00", "17:00"), room), TestData.Alice));
    }

    [Fact]
    public async Task The_time_zone_list_holds_iana_ids_with_their_offset_now()
    {
        var zones = LocationAdministration.TimeZones(new DateTimeOffset(2027, 1, 15, 12, 0, 0, TimeSpan.Zero));

        Assert.Contains(zones, z => z is { Id: "America/New_York", Label: "America/New_York (UTC-05:00)" });
        Assert.Contains(zones, z => z is { Id: "Asia/Kolkata", Label: "Asia/Kolkata (UTC+05:30)" });
        Assert.All(zones, z => Assert.True(TimeZoneInfo.FindSystemTimeZoneById(z.Id).HasIanaId));
        Assert.Equal(zones.Count, zones.Select(z => z.Id).Distinct().Count());
    }

    [Fact]
    public async Task Floors_are_named_once_per_location_and_take_only_https_or_same_site_backgrounds()
    {
        var location = Ok(await Locations.CreateAsync(Office(Unique("Floors"))));
        var ground = Ok(await Locations.AddFloorAsync(location.Id, new FloorDefinition("Ground", 0, 1000, 600, "https://plans.example.test/ground.png")));

        Assert.Contains("already has a floor", Invalid(await Locations.AddFloorAsync(location.Id, new FloorDefinition("ground", 1, 10, 10)))["name"][0]);
        var errors = Invalid(await Locations.AddFloorAsync(location.Id, new FloorDefinition("First", 5000, 0, -1, "http://plans.example.test/first.png")));
        Assert.Equal(["backgroundImageUrl", "planHeight", "planWidth", "sortOrder"], errors.Keys.Order());
        Assert.IsType<AdminResult<FloorView>.NotFound>(await Locations.AddFloorAsync(Guid.NewGuid(), new FloorDefinition("Nowhere", 0, 10, 10)));

        var moved = Ok(await Locations.UpdateFloorAsync(ground.Id, new FloorDefinition("Lobby", -1, 800, 500, "/floorplans/lobby.png")));
        Assert.Equal(("Lobby", -1, 800d, 500d, "/floorplans/lobby.png"), (moved.Name, moved.SortOrder, moved.PlanWidth, moved.PlanHeight, moved.BackgroundImageUrl));
        foreach (var elsewhere in new[] { "//evil.example.test/x.png", "javascript:alert(1)", "/a b.png", "ftp://plans.example.test/x.png" })
        {
            Assert.Contains("backgroundImageUrl", Invalid(await Locations.UpdateFloorAsync(ground.Id, new FloorDefinition("Lobby", -1, 800, 500, elsewhere))).Keys);
        }

        Assert.Null(Ok(await Locations.UpdateFloorAsync(ground.Id, new FloorDefinition("Lobby", -1, 800, 500, " "))).BackgroundImageUrl);
    }

    [Fact]
    public async Task A_plan_cannot_shrink_under_its_resources()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var floor = venue.Floors[0];
        Ok(await Resources.UpdateAsync(venue["Aurora"].Id, new ResourceDefinition(null, floor.Id, ResourceKind.Room, "Aurora", 6,
            Shape: FloorplanShape.Rectangle(70, 40, 20, 10))));

        var refused = Invalid(await Locations.UpdateFloorAsync(floor.Id, new FloorDefinition(floor.Name, 0, 80, 60)));

        Assert.Contains("Aurora would fall outside", refused["planWidth"][0]);
        Ok(await Locations.UpdateFloorAsync(floor.Id, new FloorDefinition(floor.Name, 0, 90, 50)));
    }
}
