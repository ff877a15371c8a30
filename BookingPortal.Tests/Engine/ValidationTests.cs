using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Engine;

public class ValidationTests(DatabaseFixture database) : EngineTestBase(database)
{
    private async Task<IReadOnlyDictionary<string, string[]>> RefusedAsync(CreateBookingCommand command, Guid resourceId, int expectedBookings = 0)
    {
        var invalid = Assert.IsType<BookingResult.Invalid>(await Engine.CreateAsync(command, TestData.Alice));
        Assert.Equal(expectedBookings, await Harness.BookingCountAsync(resourceId));
        return invalid.Errors;
    }

    [Fact]
    public async Task Outside_opening_hours_names_the_local_time_and_zone()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var errors = await RefusedAsync(Request(venue.At(Monday, "19:30", "20:30"), venue["Aurora"].Id), venue["Aurora"].Id);
        Assert.Contains(errors["start"], m => m.Contains("not open") && m.Contains("19:30") && m.Contains("Europe/Berlin"));
    }

    [Fact]
    public async Task End_before_start_is_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var slot = venue.At(Monday, "10:00", "11:00");
        var errors = await RefusedAsync(new CreateBookingCommand([venue["Aurora"].Id], slot.End, slot.Start, "Backwards"), venue["Aurora"].Id);
        Assert.Contains("end", errors.Keys);
    }

    [Fact]
    public async Task Durations_outside_the_resource_limits_are_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora").WithRules(r => r with { MinDuration = TimeSpan.FromMinutes(30), MaxDuration = TimeSpan.FromHours(2) }));
        var id = venue["Aurora"].Id;
        Assert.Contains(await RefusedAsync(Request(venue.At(Monday, "10:00", "10:15"), id), id), e => e.Key == "end");
        Assert.Contains(await RefusedAsync(Request(venue.At(Monday, "10:00", "13:00"), id), id), e => e.Key == "end");
    }

    [Fact]
    public async Task Past_and_beyond_horizon_are_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora").WithRules(r => r with { Horizon = TimeSpan.FromDays(14) }));
        var id = venue["Aurora"].Id;
        Assert.Contains(await RefusedAsync(Request(venue.At(Monday.AddDays(-7), "10:00", "11:00"), id), id), e => e.Key == "start");
        Assert.Contains(await RefusedAsync(Request(venue.At(Monday.AddDays(21), "10:00", "11:00"), id), id), e => e.Key == "start");
    }

    [Fact]
    public async Task Attendees_over_capacity_are_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Small", capacity: 4));
        var id = venue["Small"].Id;
        var errors = await RefusedAsync(Request(venue.At(Monday, "10:00", "11:00"), id) with { AttendeeCount = 5 }, id);
        Assert.Contains("capacity is 4", Assert.Single(errors["attendeeCount"]));
    }

    [Fact]
    public async Task Unknown_and_inactive_resources_are_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Retired"));
        var retired = venue["Retired"];
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            var tracked = await db.Resources.FindAsync(retired.Id);
            tracked!.Deactivate();
            await db.SaveChangesAsync();
        }

        var unknown = Guid.NewGuid();
        var errors = await RefusedAsync(Request(venue.At(Monday, "10:00", "11:00"), retired.Id, unknown), retired.Id);
        Assert.Contains(errors["resourceIds"], m => m.Contains("no longer bookable"));
        Assert.Contains(errors["resourceIds"], m => m.Contains(unknown.ToString()));
    }

    [Fact]
    public async Task A_resource_deactivated_through_administration_is_refused_at_once_despite_the_rules_cache()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Closing"));
        var room = venue["Closing"];
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), room.Id), TestData.Alice));
        var administration = new ResourceAdministration(Harness.Contexts, Harness.Snapshots);

        Assert.IsType<AdminResult<ResourceView>.Ok>(await administration.DeactivateAsync(room.Id));

        var errors = await RefusedAsync(Request(venue.At(Monday, "11:00", "12:00"), room.Id), room.Id, expectedBookings: 1);
        Assert.Contains(errors["resourceIds"], m => m.Contains("no longer bookable"));
    }

    [Fact]
    public async Task Missing_title_and_zero_attendees_are_refused_together()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var id = venue["Aurora"].Id;
        var errors = await RefusedAsync(Request(venue.At(Monday, "10:00", "11:00"), id) with { Title = " ", AttendeeCount = 0 }, id);
        Assert.Contains("title", errors.Keys);
        Assert.Contains("attendeeCount", errors.Keys);
    }
}
