using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Floorplan;

namespace BookingPortal.Tests.Floorplan;

public sealed class ResourceStateTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 10, 0, 0, TimeSpan.FromHours(1));

    private static BoardBooking Booking(string from, string to, BookingStatus status = BookingStatus.Confirmed) => new(
        Guid.NewGuid(), "Planning", "alice", "alice@example.test", At(from), At(to), status, 2, null, [], false, false, false);

    private static DateTimeOffset At(string time) => new(Now.Date + TimeOnly.Parse(time).ToTimeSpan(), Now.Offset);

    private static (ResourceState State, BoardBooking? Current, BoardBooking? Next) Evaluate(bool requiresCheckIn, params BoardBooking[] bookings) =>
        ResourceStates.Evaluate(Now, requiresCheckIn, bookings, null);

    [Fact]
    public void Nothing_booked_is_free()
    {
        Assert.Equal(ResourceState.Free, Evaluate(false).State);
    }

    [Fact]
    public void A_booking_more_than_fifteen_minutes_away_leaves_it_free_and_is_next()
    {
        var later = Booking("10:16", "11:00");

        var (state, current, next) = Evaluate(false, later);

        Assert.Equal(ResourceState.Free, state);
        Assert.Null(current);
        Assert.Equal(later, next);
    }

    [Fact]
    public void A_booking_starting_within_fifteen_minutes_is_starting_soon()
    {
        Assert.Equal(ResourceState.StartingSoon, Evaluate(false, Booking("10:15", "11:00")).State);
    }

    [Fact]
    public void A_running_booking_on_a_check_in_resource_awaits_check_in_until_someone_checks_in()
    {
        Assert.Equal(ResourceState.AwaitingCheckIn, Evaluate(true, Booking("09:55", "11:00")).State);
        Assert.Equal(ResourceState.Occupied, Evaluate(true, Booking("09:55", "11:00", BookingStatus.CheckedIn)).State);
    }

    [Fact]
    public void A_running_booking_without_check_in_is_occupied()
    {
        var running = Booking("09:00", "10:30");

        var (state, current, _) = Evaluate(false, running);

        Assert.Equal(ResourceState.Occupied, state);
        Assert.Equal(running, current);
    }

    [Fact]
    public void A_running_no_show_is_released_and_a_later_booking_stays_next()
    {
        var released = Booking("09:30", "10:30", BookingStatus.NoShow);
        var after = Booking("10:30", "11:00");

        var (state, current, next) = Evaluate(true, released, after);

        Assert.Equal(ResourceState.Released, state);
        Assert.Equal(released, current);
        Assert.Equal(after, next);
    }

    [Fact]
    public void Ranges_are_half_open_so_a_booking_ending_now_is_over()
    {
        Assert.Equal(ResourceState.Free, Evaluate(false, Booking("09:00", "10:00", BookingStatus.CheckedIn)).State);
        Assert.Equal(ResourceState.Occupied, Evaluate(false, Booking("10:00", "11:00")).State);
    }

    [Fact]
    public void Maintenance_running_now_wins()
    {
        var block = new BoardBlock(Guid.NewGuid(), "Painting", At("08:00"), At("12:00"));

        Assert.Equal(ResourceState.Maintenance, ResourceStates.Evaluate(Now, false, [Booking("13:00", "14:00")], block).State);
        Assert.Equal(ResourceState.Free, ResourceStates.Evaluate(Now, false, [], block with { Start = At("10:30") }).State);
    }

    [Fact]
    public void Wait_listed_and_finished_bookings_never_make_it_busy()
    {
        Assert.Equal(ResourceState.Free, Evaluate(false, Booking("09:00", "11:00", BookingStatus.Pending), Booking("09:00", "11:00", BookingStatus.Cancelled)).State);
    }
}
