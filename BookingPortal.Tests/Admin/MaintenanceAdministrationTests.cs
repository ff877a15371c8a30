using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Notifications;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Admin;

public class MaintenanceAdministrationTests(DatabaseFixture database) : AdminTestBase(database)
{
    private static MaintenanceRequest Block(TimeRange range, params Guid[] resourceIds) =>
        new(resourceIds, range.Start, range.End, "Carpet cleaning");

    private Task<Venue> TwoRoomsAsync() => Harness.SeedVenueAsync(v =>
    {
        v.Room("Aurora");
        v.Room("Borealis");
    });

    [Fact]
    public async Task One_request_blocks_several_resources_and_each_then_refuses_bookings()
    {
        var venue = await TwoRoomsAsync();
        var slot = venue.At(Monday, "12:00", "14:00");

        var blocks = Ok(await Maintenance.PlaceAsync(Block(slot, venue["Aurora"].Id, venue["Borealis"].Id), TestData.Admin));

        Assert.Equal(new[] { venue["Aurora"].Id, venue["Borealis"].Id }.Order(), blocks.Select(b => b.ResourceId).Order());
        Assert.All(blocks, b => Assert.Equal(("Carpet cleaning", TestData.Admin.UserId), (b.Reason, b.CreatedBy)));
        foreach (var room in new[] { "Aurora", "Borealis" })
        {
            var conflict = Assert.IsType<BookingResult.Conflict>(await Engine.CreateAsync(Request(venue.At(Monday, "13:00", "13:30"), venue[room].Id), TestData.Alice));
            Assert.Equal(BlockerKind.Maintenance, Assert.Single(conflict.Details.Conflicts).Kind);
        }

        Assert.Equal(2, (await Maintenance.UpcomingAsync(venue.Location.Id)).Count);
    }

    [Fact]
    public async Task A_collision_lists_the_bookings_in_the_way_and_blocks_nothing_anywhere()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora").WithRules(r => r with { BufferAfter = TimeSpan.FromMinutes(30) });
            v.Room("Borealis");
        });
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Aurora"].Id) with { Title = "Standup" }, TestData.Alice));

        // Only the buffer after the booking meets the block, and that is enough.
        var collides = Assert.IsType<AdminResult<IReadOnlyList<MaintenanceBlockView>>.Collides>(
            await Maintenance.PlaceAsync(Block(venue.At(Monday, "10:15", "12:00"), venue["Aurora"].Id, venue["Borealis"].Id), TestData.Admin));

        var collision = Assert.Single(collides.Collisions);
        Assert.Equal((booking.Id, "Standup", TestData.Alice.Email, BookingStatus.Confirmed, "Aurora", true),
            (collision.BookingId, collision.Title, collision.OwnerEmail, collision.Status, collision.ResourceName, collision.CanCancel));
        Assert.Equal((booking.Start, booking.End, booking.End.AddMinutes(30)), (collision.Start, collision.End, collision.BlockedEnd));
        Assert.Equal("Europe/Berlin", collision.TimeZoneId);
        Assert.Empty(await Maintenance.UpcomingAsync(venue.Location.Id));
    }

    [Fact]
    public async Task Cancelling_the_collisions_with_a_reason_places_the_block_tells_the_owner_and_frees_their_other_resources_for_the_wait_list()
    {
        var venue = await TwoRoomsAsync();
        var slot = venue.At(Monday, "09:00", "10:00");
        var both = Booked(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id, venue["Borealis"].Id), TestData.Alice));
        var waiting = Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(Request(slot, venue["Borealis"].Id) with { JoinWaitlist = true }, TestData.Bob));
        var block = Block(venue.At(Monday, "08:00", "12:00"), venue["Aurora"].Id);

        Assert.Contains("their owners will read it", Invalid(await Maintenance.PlaceCancellingAsync(block, [both.Id], " ", TestData.Admin))["cancellationReason"][0]);
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(both.Id)).Status);

        Ok(await Maintenance.PlaceCancellingAsync(block, [both.Id], "Burst pipe", TestData.Admin));

        Assert.Equal(BookingStatus.Cancelled, (await Harness.LoadAsync(both.Id)).Status);
        var cancelled = (await Harness.HistoryAsync(both.Id)).Last();
        Assert.Equal(("cancelled", TestData.Admin.UserId, "Burst pipe"), (cancelled.Action, cancelled.ActorId, cancelled.Detail));
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(waiting.Booking.Id)).Status);
        Assert.Single(await Maintenance.UpcomingAsync(venue.Location.Id));
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        var told = await db.Notifications.SingleAsync(n => n.BookingId == both.Id);
        Assert.Equal((NotificationKind.Cancelled, TestData.Alice.UserId), (told.Kind, told.UserId));
        Assert.Contains("Burst pipe", told.Message);
    }

    [Fact]
    public async Task A_booking_made_after_the_admin_looked_is_shown_instead_of_being_cancelled_unseen()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"].Id;
        var seen = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), room), TestData.Alice));
        var block = Block(venue.At(Monday, "09:00", "12:00"), room);
        Assert.IsType<AdminResult<IReadOnlyList<MaintenanceBlockView>>.Collides>(await Maintenance.PlaceAsync(block, TestData.Admin));
        var unseen = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "12:00"), room), TestData.Bob));

        var collides = Assert.IsType<AdminResult<IReadOnlyList<MaintenanceBlockView>>.Collides>(
            await Maintenance.PlaceCancellingAsync(block, [seen.Id], "Painting", TestData.Admin));

        Assert.Equal([seen.Id, unseen.Id], collides.Collisions.Select(c => c.BookingId!.Value));
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(seen.Id)).Status);
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(unseen.Id)).Status);
        Assert.Empty(await Maintenance.UpcomingAsync(venue.Location.Id));
    }

    [Fact]
    public async Task A_checked_in_booking_and_another_block_cannot_be_cancelled_away()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"].Id;
        var present = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), room), TestData.Alice));
        Harness.Clock.Set(present.Start.AddMinutes(-5));
        Booked(await Engine.CheckInAsync(present.Id, TestData.Alice));
        Ok(await Maintenance.PlaceAsync(Block(venue.At(Monday, "10:00", "11:00"), room), TestData.Admin));

        var collides = Assert.IsType<AdminResult<IReadOnlyList<MaintenanceBlockView>>.Collides>(
            await Maintenance.PlaceCancellingAsync(Block(venue.At(Monday, "09:30", "10:30"), room), [present.Id], "Leak", TestData.Admin));

        Assert.Equal([(BlockerKind.Booking, false), (BlockerKind.Maintenance, false)], collides.Collisions.Select(c => (c.Kind, c.CanCancel)));
        Assert.Equal("Carpet cleaning", collides.Collisions[1].Title);
        Assert.Equal(BookingStatus.CheckedIn, (await Harness.LoadAsync(present.Id)).Status);
    }

    [Fact]
    public async Task A_removed_block_frees_its_time_and_blocks_in_the_past_or_without_resources_are_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"].Id;
        var block = Assert.Single(Ok(await Maintenance.PlaceAsync(Block(venue.At(Monday, "09:00", "10:00"), room), TestData.Admin)));

        Ok(await Maintenance.RemoveAsync(block.Id));

        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), room), TestData.Alice));
        Assert.IsType<AdminResult<MaintenanceBlockView>.NotFound>(await Maintenance.RemoveAsync(block.Id));
        var past = Harness.Clock.GetUtcNow().AddDays(-1);
        Assert.Contains("already be over", Invalid(await Maintenance.PlaceAsync(new MaintenanceRequest([room], past, past.AddHours(1), null), TestData.Admin))["end"][0]);
        Assert.Contains("at least one", Invalid(await Maintenance.PlaceAsync(new MaintenanceRequest([], past, null, null), TestData.Admin))["resourceIds"][0]);
        Assert.IsType<AdminResult<IReadOnlyList<MaintenanceBlockView>>.NotFound>(
            await Maintenance.PlaceAsync(Block(venue.At(Monday, "11:00", "12:00"), room, Guid.NewGuid()), TestData.Admin));
    }
}
