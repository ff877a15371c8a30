using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Admin;

public class LocationAdministrationTests(DatabaseFixture database) : AdminTestBase(database)
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static LocationDefinition Office(string name, params OpeningInterval[] hours) =>
        new(name, "America/New_York", hours.Length > 0 ? hours : [new(DayOfWeek.Monday, new(8, 0), new(12, 0)), new(DayOfWeek.Monday, new(13, 0), new(18, 0))]);

    private async Task<int> CountAsync<T>(Func<IQueryable<T>, IQueryable<T>>? filter = null) where T : class
    {
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        return await (filter ?? (q => q))(db.Set<T>()).CountAsync();
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
    public async Task Floors_are_named_once_per_location_and_take_only_https_or_uploaded_backgrounds()
    {
        var location = Ok(await Locations.CreateAsync(Office(Unique("Floors"))));
        var ground = Ok(await Locations.AddFloorAsync(location.Id, new FloorDefinition("Ground", 0, 1000, 600, "https://plans.example.test/ground.png")));

        Assert.Contains("already has a floor", Invalid(await Locations.AddFloorAsync(location.Id, new FloorDefinition("ground", 1, 10, 10)))["name"][0]);
        var errors = Invalid(await Locations.AddFloorAsync(location.Id, new FloorDefinition("First", 5000, 0, -1, "http://plans.example.test/first.png")));
        Assert.Equal(["backgroundImageUrl", "planHeight", "planWidth", "sortOrder"], errors.Keys.Order());
        Assert.IsType<AdminResult<FloorView>.NotFound>(await Locations.AddFloorAsync(Guid.NewGuid(), new FloorDefinition("Nowhere", 0, 10, 10)));

        var moved = Ok(await Locations.UpdateFloorAsync(ground.Id, new FloorDefinition("Lobby", -1, 800, 500, null)));
        Assert.Equal(("Lobby", -1, 800d, 500d, (string?)null), (moved.Name, moved.SortOrder, moved.PlanWidth, moved.PlanHeight, moved.BackgroundImageUrl));
    }

    [Fact]
    public async Task An_uploaded_plan_is_stored_once_per_floor_and_judged_by_its_bytes()
    {
        var location = Ok(await Locations.CreateAsync(Office(Unique("Upload"))));
        var floor = Ok(await Locations.AddFloorAsync(location.Id, new FloorDefinition("Ground", 0, 1000, 600)));

        var first = Ok(await Locations.UploadFloorImageAsync(floor.Id, new MemoryStream(Png)));
        var second = Ok(await Locations.UploadFloorImageAsync(floor.Id, new MemoryStream(Png)));

        Assert.StartsWith(LocationAdministration.ImagePath, second.BackgroundImageUrl);
        Assert.NotEqual(first.BackgroundImageUrl, second.BackgroundImageUrl);
        Assert.Equal(1, await CountAsync<FloorImage>(q => q.Where(i => i.FloorId == floor.Id)));
        var stored = await Catalog.FloorImageAsync(Guid.Parse(second.BackgroundImageUrl![LocationAdministration.ImagePath.Length..]));
        Assert.Equal("image/png", stored!.ContentType);
        Assert.Equal(Png, stored.Content);

        var script = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray();
        Assert.Contains("PNG, JPEG, WebP or GIF", Invalid(await Locations.UploadFloorImageAsync(floor.Id, new MemoryStream(script)))["backgroundImage"][0]);
        var huge = new byte[LocationAdministration.MaxImageBytes + 1];
        Png.CopyTo(huge, 0);
        Assert.Contains("at most 5 MB", Invalid(await Locations.UploadFloorImageAsync(floor.Id, new MemoryStream(huge)))["backgroundImage"][0]);

        Ok(await Locations.UpdateFloorAsync(floor.Id, new FloorDefinition("Ground", 0, 1000, 600, "https://plans.example.test/ground.webp")));
        Assert.Equal(0, await CountAsync<FloorImage>(q => q.Where(i => i.FloorId == floor.Id)));
    }
}
