using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Engine;

/// <summary>The operator console's no-show: the same rule as the scheduler's, recorded as the operator's act.</summary>
public sealed class NoShowByOperatorTests(DatabaseFixture database) : EngineTestBase(database)
{
    private async Task<(Venue Venue, BookingSnapshot Booking)> BookedAsync(bool requiresCheckIn)
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Room").WithRules(r => r with { RequiresCheckIn = requiresCheckIn }));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "09:00", "10:00"), venue["Room"].Id), TestData.Alice));
        return (venue, booking);
    }

    [Fact]
    public async Task Operator_marks_a_no_show_after_the_grace_period_and_the_slot_is_freed()
    {
        var (venue, booking) = await BookedAsync(requiresCheckIn: true);
        Harness.Clock.Set(venue.At(Monday, "09:16", "09:17").Start);

        var result = await Engine.MarkNoShowAsync(booking.Id, TestData.OperatorAt(venue.Location));

        Assert.Equal(BookingStatus.NoShow, Booked(result).Status);
        Assert.Equal(0, await Harness.HoldingAllocationsAsync(venue["Room"].Id));
        var last = (await Harness.HistoryAsync(booking.Id))[^1];
        Assert.Equal(("no_show", TestData.Operator.UserId), (last.Action, last.ActorId));
    }

    [Fact]
    public async Task A_no_show_within_the_grace_period_is_refused()
    {
        var (venue, booking) = await BookedAsync(requiresCheckIn: true);
        Harness.Clock.Set(venue.At(Monday, "09:15", "09:16").Start);

        Assert.IsType<BookingResult.Refused>(await Engine.MarkNoShowAsync(booking.Id, TestData.OperatorAt(venue.Location)));
    }

    [Fact]
    public async Task A_no_show_needs_a_resource_that_asks_for_check_in()
    {
        var (venue, booking) = await BookedAsync(requiresCheckIn: false);
        Harness.Clock.Set(venue.At(Monday, "09:30", "09:31").Start);

        var refused = Assert.IsType<BookingResult.Refused>(await Engine.MarkNoShowAsync(booking.Id, TestData.OperatorAt(venue.Location)));
        Assert.Contains("does not require check-in", refused.Reason);
    }

    [Fact]
    public async Task Staff_cannot_mark_no_shows()
    {
        var (venue, booking) = await BookedAsync(requiresCheckIn: true);
        Harness.Clock.Set(venue.At(Monday, "09:30", "09:31").Start);

        Assert.IsType<BookingResult.Forbidden>(await Engine.MarkNoShowAsync(booking.Id, TestData.Alice));
    }
}
