using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Tests.Support;

namespace BookingPortal.Tests.Domain;

public class BookingTransitionTests
{
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);

    /// <summary>A booking brought to the given status through legal steps only.</summary>
    private static Booking BookingIn(BookingStatus status)
    {
        var location = TestData.Location();
        var plain = TestData.Room("Plain").Build(location);
        var approval = TestData.Room("Boardroom").WithRules(r => r with { RequiresApproval = true }).Build(location);
        var range = new TimeRange(Start, Start.AddHours(1));
        var created = Start.AddDays(-1);
        var booking = status switch
        {
            BookingStatus.Pending or BookingStatus.Expired => Booking.JoinWaitlist(Guid.NewGuid(), TestData.Alice, "Standup", 2, range, [plain], created),
            BookingStatus.AwaitingApproval or BookingStatus.Rejected => Booking.Place(Guid.NewGuid(), TestData.Alice, "Standup", 2, range, [approval], created),
            _ => Booking.Place(Guid.NewGuid(), TestData.Alice, "Standup", 2, range, [plain], created),
        };
        switch (status)
        {
            case BookingStatus.CheckedIn:
                booking.CheckIn(TestData.Alice, Start, Grace);
                break;
            case BookingStatus.Completed:
                booking.CheckIn(TestData.Alice, Start, Grace);
                booking.Complete(Start.AddHours(1), resourceRequiresCheckIn: true);
                break;
            case BookingStatus.Cancelled:
                booking.Cancel(TestData.Alice, created, "plans changed");
                break;
            case BookingStatus.NoShow:
                booking.MarkNoShow(Start + Grace + TimeSpan.FromMinutes(1), Grace, resourceRequiresCheckIn: true);
                break;
            case BookingStatus.Rejected:
                booking.Reject(TestData.Admin, created, "board meeting");
                break;
            case BookingStatus.Expired:
                booking.Expire(Start);
                break;
        }

        Assert.Equal(status, booking.Status);
        return booking;
    }

    private static void Apply(Booking booking, BookingStatus from, BookingStatus to)
    {
        switch (to)
        {
            case BookingStatus.Confirmed when from == BookingStatus.Pending:
                booking.Promote(requiresApproval: false, Start.AddHours(-2));
                break;
            case BookingStatus.Confirmed:
                booking.Approve(TestData.Admin, Start.AddHours(-2));
                break;
            case BookingStatus.AwaitingApproval:
                booking.Promote(requiresApproval: true, Start.AddHours(-2));
                break;
            case BookingStatus.CheckedIn:
                booking.CheckIn(TestData.Alice, Start.AddMinutes(-5), Grace);
                break;
            case BookingStatus.Completed:
                booking.Complete(Start.AddHours(2), resourceRequiresCheckIn: false);
                break;
            case BookingStatus.Cancelled:
                booking.Cancel(TestData.Alice, Start.AddHours(-2), "no longer needed");
                break;
            case BookingStatus.NoShow:
                booking.MarkNoShow(Start.AddMinutes(30), Grace, resourceRequiresCheckIn: true);
                break;
            case BookingStatus.Rejected:
                booking.Reject(TestData.Admin, Start.AddHours(-2), "reserved for the board");
                break;
            case BookingStatus.Expired:
                booking.Expire(Start);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(to), to, "No operation leads there.");
        }
    }

    public static TheoryData<BookingStatus, BookingStatus> AllowedTransitions()
    {
        var data = new TheoryData<BookingStatus, BookingStatus>();
        foreach (var from in Enum.GetValues<BookingStatus>())
        {
            foreach (var to in from.AllowedTargets())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    public static TheoryData<BookingStatus, BookingStatus> ForbiddenTransitions()
    {
        var data = new TheoryData<BookingStatus, BookingStatus>();
        foreach (var from in Enum.GetValues<BookingStatus>())
        {
            foreach (var to in Enum.GetValues<BookingStatus>().Where(t => t != BookingStatus.Pending && !from.CanBecome(t)))
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void Allowed_transition_changes_status_and_writes_history(BookingStatus from, BookingStatus to)
    {
        var booking = BookingIn(from);
        var entriesBefore = booking.History.Count;

        Apply(booking, from, to);

        Assert.Equal(to, booking.Status);
        var entry = booking.History.Last();
        Assert.Equal(entriesBefore + 1, booking.History.Count);
        Assert.Equal(from, entry.FromStatus);
        Assert.Equal(to, entry.ToStatus);
        Assert.All(booking.Allocations, a => Assert.Equal(to.HoldsSlot(), a.Holds));
        Assert.Contains(booking.DomainEvents, e => e is BookingStatusChanged changed && changed.From == from && changed.To == to);
    }

    [Theory]
    [MemberData(nameof(ForbiddenTransitions))]
    public void Forbidden_transition_is_an_error_naming_both_states(BookingStatus from, BookingStatus to)
    {
        var booking = BookingIn(from);
        var entriesBefore = booking.History.Count;

        var error = Assert.Throws<InvalidBookingTransitionException>(() => Apply(booking, from, to));

        Assert.Contains(from.ToString(), error.Message);
        Assert.Contains(to.ToString(), error.Message);
        Assert.Equal(from, booking.Status);
        Assert.Equal(entriesBefore, booking.History.Count);
    }

    [Fact]
    public void Forbidden_table_covers_every_pair_the_status_machine_refuses()
    {
        var statuses = Enum.GetValues<BookingStatus>().Length;
        var allowed = AllowedTransitions().Count;
        Assert.Equal(13, allowed);
        Assert.Equal(statuses * (statuses - 1) - allowed, ForbiddenTransitions().Count);
    }

    [Fact]
    public void Creation_is_the_first_history_entry()
    {
        var booking = BookingIn(BookingStatus.Confirmed);
        var created = Assert.Single(booking.History);
        Assert.Equal("created", created.Action);
        Assert.Null(created.FromStatus);
        Assert.Equal(BookingStatus.Confirmed, created.ToStatus);
        Assert.Equal(TestData.Alice.UserId, created.ActorId);
    }

    [Fact]
    public void Check_in_is_refused_outside_its_window()
    {
        var booking = BookingIn(BookingStatus.Confirmed);
        Assert.Throws<InvalidBookingTransitionException>(() => booking.CheckIn(TestData.Alice, Start.AddMinutes(-16), Grace));
        Assert.Throws<InvalidBookingTransitionException>(() => booking.CheckIn(TestData.Alice, Start + Grace + TimeSpan.FromSeconds(1), Grace));
        booking.CheckIn(TestData.Alice, Start.AddMinutes(-15), Grace);
        Assert.Equal(BookingStatus.CheckedIn, booking.Status);
    }

    [Fact]
    public void A_booking_without_required_check_in_is_never_a_no_show()
    {
        var booking = BookingIn(BookingStatus.Confirmed);
        Assert.Throws<InvalidBookingTransitionException>(() => booking.MarkNoShow(Start.AddHours(1), Grace, resourceRequiresCheckIn: false));
    }

    [Fact]
    public void Confirmed_booking_on_a_check_in_resource_cannot_complete_without_check_in()
    {
        var booking = BookingIn(BookingStatus.Confirmed);
        Assert.Throws<InvalidBookingTransitionException>(() => booking.Complete(Start.AddHours(2), resourceRequiresCheckIn: true));
    }
}
