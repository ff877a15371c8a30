using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Queries;

public sealed class StaffBookingQueriesTests(DatabaseFixture database) : EngineTestBase(database)
{
    private StaffBookingQueries Queries => new(Harness.Contexts);

    [Fact]
    public async Task The_calendar_shows_bookings_holding_a_slot_and_maintenance_but_not_cancelled_or_waiting_ones()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
        });
        var aurora = venue["Aurora"];
        var kept = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), aurora.Id), TestData.Alice));
        var cancelled = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), aurora.Id), TestData.Alice));
        await Engine.CancelAsync(cancelled.Id, TestData.Alice, "Not needed");
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "12:00"), aurora.Id), TestData.Alice));
        Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(
            Request(venue.At(Monday, "11:00", "12:00"), aurora.Id) with { JoinWaitlist = true }, TestData.Bob));
        await Harness.AddBlockAsync(aurora, venue.At(Monday, "14:00", "15:00"));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Borealis"].Id), TestData.Bob));

        var entries = await Queries.CalendarAsync([aurora.Id], venue.At(Monday, "08:00", "13:00").Widen(TimeSpan.Zero, TimeSpan.FromHours(3)));

        Assert.Equal(["Planning", "Planning", "Carpet cleaning"], entries.Select(e => e.Title));
        Assert.Equal(kept.Id, entries[0].Id);
        Assert.Equal([CalendarEntryKind.Booking, CalendarEntryKind.Booking, CalendarEntryKind.Maintenance], entries.Select(e => e.Kind));
        Assert.All(entries.Where(e => e.Kind == CalendarEntryKind.Booking), e => Assert.Equal(TestData.Alice.UserId, e.OwnerId));
    }

    [Fact]
    public async Task My_bookings_split_into_what_lies_ahead_soonest_first_and_the_rest_latest_first()
    {
        // An owner of its own: the other tests of this class book as Alice in the same database.
        var owner = TestData.Alice with { UserId = Guid.NewGuid().ToString() };
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora").WithRules(r => r with { RequiresCheckIn = true }));
        var room = venue["Aurora"].Id;
        var early = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "08:00", "09:00"), room), owner));
        var later = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "15:00", "16:00"), room), owner));
        var soon = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "12:00"), room), owner));
        var dropped = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "13:00", "14:00"), room), owner));
        await Engine.CancelAsync(dropped.Id, owner, "Clash");
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "17:00", "18:00"), room), TestData.Bob));
        var now = venue.At(Monday, "10:00", "10:01").Start;

        var upcoming = await Queries.MineAsync(owner.UserId, now, upcoming: true);
        var past = await Queries.MineAsync(owner.UserId, now, upcoming: false);

        Assert.Equal([soon.Id, later.Id], upcoming.Select(b => b.Id));
        Assert.Equal([dropped.Id, early.Id], past.Select(b => b.Id));
        Assert.Equal("Clash", past[0].StatusReason);
        var resource = Assert.Single(upcoming[0].Resources);
        Assert.Equal(("Aurora", venue.Location.Id, true), (resource.Name, resource.LocationId, resource.RequiresCheckIn));
    }

    [Fact]
    public async Task History_names_people_by_display_name_and_keeps_the_system_as_is()
    {
        var owner = TestData.Alice with { UserId = Guid.NewGuid().ToString() };
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            db.Users.Add(new ApplicationUser { Id = owner.UserId, UserName = owner.UserId, Email = owner.Email, DisplayName = "Alice A." });
            await db.SaveChangesAsync();
        }

        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Aurora"].Id), owner));
        await Engine.CancelAsync(booking.Id, Actor.System, "Room closed");

        var history = await Queries.HistoryAsync(booking.Id);

        Assert.Equal([("Alice A.", "created"), ("system", "cancelled")], history.Select(h => (h.Actor, h.Action)));
        Assert.Equal((BookingStatus.Confirmed, BookingStatus.Cancelled, "Room closed"), (history[1].From!.Value, history[1].To, history[1].Detail));
    }
}
