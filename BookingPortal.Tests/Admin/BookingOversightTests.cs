using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Admin;

/// <summary>The approval queue and the audit trail: what admins read to decide and to find out who did what.</summary>
public class BookingOversightTests(DatabaseFixture database) : AdminTestBase(database)
{
    private ApprovalQueue Queue => new(Harness.Contexts);

    private BookingAudit Audit => new(Harness.Contexts);

    [Fact]
    public async Task The_queue_holds_only_bookings_awaiting_approval_soonest_first_with_where_they_are()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Board").WithRules(r => r with { RequiresApproval = true });
            v.Room("Open");
        });
        var later = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "15:00", "16:00"), venue["Board"].Id) with { Title = "Later" }, TestData.Alice));
        var sooner = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Board"].Id) with { Title = "Sooner" }, TestData.Bob));
        var decided = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "11:00", "12:00"), venue["Board"].Id), TestData.Bob));
        Booked(await Engine.RejectAsync(decided.Id, TestData.Admin, "No"));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Open"].Id), TestData.Bob));

        var mine = (await Queue.AwaitingAsync()).Where(r => r.Place.LocationName == venue.Location.Name).ToList();

        Assert.Equal([sooner.Id, later.Id], mine.Select(r => r.BookingId));
        Assert.Equal(["Board"], mine[0].Place.ResourceNames);
        Assert.Equal(("Europe/Berlin", TestData.Bob.Email), (mine[0].Place.TimeZoneId, mine[0].OwnerEmail));
    }

    [Fact]
    public async Task The_audit_finds_entries_by_title_resource_person_id_and_action_newest_first_and_pages()
    {
        var room = Unique("Zen");
        var venue = await Harness.SeedVenueAsync(v => v.Room(room));
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            db.Users.Add(new ApplicationUser { Id = TestData.Operator.UserId, UserName = "olga", Email = "olga@audit.test" });
            await db.SaveChangesAsync();
        }

        var title = Unique("Retro 100%_done");
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue[room].Id) with { Title = title }, TestData.Alice));
        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, Title: $"{title} (moved)"), TestData.Alice));
        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Booked(await Engine.CancelAsync(booking.Id, TestData.OperatorAt(venue.Location), "Flu season"));

        var byRoom = await Audit.SearchAsync(new AuditQuery(room.ToLowerInvariant()));
        Assert.Equal(["cancelled", "edited", "created"], byRoom.Items.Select(e => e.Action));
        Assert.Equal(3, byRoom.Total);
        var cancelled = byRoom.Items[0];
        Assert.Equal(("olga@audit.test", BookingStatus.Confirmed, BookingStatus.Cancelled, "Flu season"),
            (cancelled.ActorEmail, cancelled.FromStatus, cancelled.ToStatus, cancelled.Detail));
        Assert.Equal([room], cancelled.Place.ResourceNames);
        Assert.Null(byRoom.Items[2].ActorEmail);

        Assert.Equal(3, (await Audit.SearchAsync(new AuditQuery(booking.Id.ToString()))).Total);
        Assert.Equal(3, (await Audit.SearchAsync(new AuditQuery("100%_d"))).Total);
        Assert.Equal(0, (await Audit.SearchAsync(new AuditQuery("100x_d"))).Total);
        Assert.Equal(["cancelled"], (await Audit.SearchAsync(new AuditQuery("OLGA@AUDIT"))).Items.Select(e => e.Action));
        Assert.Equal(["edited"], (await Audit.SearchAsync(new AuditQuery(room, Action: "edited"))).Items.Select(e => e.Action));
        Assert.Equal(["created"], (await Audit.SearchAsync(new AuditQuery(room, To: booking.CreatedAt.AddSeconds(30)))).Items.Select(e => e.Action));
        var second = await Audit.SearchAsync(new AuditQuery(room, Skip: 1, Take: 1));
        Assert.Equal((3, "edited"), (second.Total, Assert.Single(second.Items).Action));
    }
}
