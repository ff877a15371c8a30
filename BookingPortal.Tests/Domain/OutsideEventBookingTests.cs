using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Tests.Support;

namespace BookingPortal.Tests.Domain;

public class OutsideEventBookingTests
{
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly OutsideEvent FromGoogle = new("google", "aurora@rooms.test", "evt1", "Grace Hopper");

    private static (Booking Booking, BookingPortal.Domain.Resources.Resource Room) Held(string? subject = "Vendor call")
    {
        var room = TestData.Room("Aurora").WithRules(r => r with { RequiresCheckIn = true }).Build(TestData.Location());
        return (Booking.HoldForOutsideEvent(Guid.NewGuid(), FromGoogle, subject, new TimeRange(Start, Start.AddHours(1)), room, Start.AddDays(-1)), room);
    }

    [Fact]
    public void An_outside_event_holds_its_room_confirmed_without_an_owner_here()
    {
        var (booking, room) = Held();

        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Equal(FromGoogle, booking.Outside);
        Assert.Equal("Vendor call", booking.Title);
        Assert.Equal(room.Id, Assert.Single(booking.Allocations).ResourceId);
        Assert.True(booking.Allocations.Single().Holds);
        Assert.Equal(string.Empty, booking.OwnerEmail);
    }

    [Fact]
    public void An_outside_event_without_a_subject_reads_busy()
    {
        Assert.Equal("Busy", Held(subject: "  ").Booking.Title);
    }

    [Fact]
    public void Nobody_here_changes_a_booking_that_belongs_to_an_outside_calendar()
    {
        var (booking, room) = Held();
        var now = Start.AddMinutes(-5);

        Assert.Contains("Google Calendar", Assert.Throws<DomainException>(() => booking.Cancel(TestData.Admin, now, "mine now")).Message);
        Assert.Throws<DomainException>(() => booking.Edit(TestData.Admin, now, "Renamed", null));
        Assert.Throws<DomainException>(() => booking.Reschedule(TestData.Admin, now, new TimeRange(Start.AddHours(2), Start.AddHours(3)), [room]));
        Assert.Throws<DomainException>(() => booking.CheckIn(TestData.Admin, now, TimeSpan.FromMinutes(15)));
        Assert.Throws<DomainException>(() => booking.MarkNoShow(Start.AddHours(1), TimeSpan.FromMinutes(15), resourceRequiresCheckIn: true));
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
    }

    [Fact]
    public void A_moved_outside_event_moves_its_hold_and_a_deleted_one_releases_it()
    {
        var (booking, room) = Held();
        var later = new TimeRange(Start.AddHours(3), Start.AddHours(4));

        booking.FollowOutsideEvent("Vendor call (moved)", "Grace Hopper", later, room, Start);
        Assert.Equal((later, "Vendor call (moved)"), (booking.Range, booking.Title));
        Assert.Equal(room.BlockedRangeFor(later), booking.Allocations.Single().Blocked);

        booking.ReleaseOutsideEvent(Start, "Deleted in Google Calendar");
        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        Assert.False(booking.Allocations.Single().Holds);
    }

    [Fact]
    public void Only_a_booking_of_an_outside_event_follows_a_calendar()
    {
        var room = TestData.Room("Plain").Build(TestData.Location());
        var ours = Booking.Place(Guid.NewGuid(), TestData.Alice, "Ours", 2, new TimeRange(Start, Start.AddHours(1)), [room], Start.AddDays(-1));

        Assert.Throws<DomainException>(() => ours.ReleaseOutsideEvent(Start, "gone"));
    }
}
