using BookingPortal.Domain.Locations;
using BookingPortal.Web.Components.Shared;

namespace BookingPortal.Tests.Web;

public sealed class TimeSlotsTests
{
    // Weekdays 07:00-20:00 in Berlin.
    private static readonly Location Berlin = TestData.Location();

    private static DateTimeOffset Local(int day, int hour, int minute) => Berlin.ToUtc(new DateOnly(2027, 3, day), new TimeOnly(hour, minute));

    [Theory]
    [InlineData(10, 7, 0, 10, 10)] // open: now, rounded up to five minutes
    [InlineData(10, 0, 0, 10, 0)] // already on the mark
    [InlineData(10, 0, 20, 10, 5)] // just past it
    [InlineData(6, 30, 0, 7, 0)] // before opening: the opening
    [InlineData(19, 30, 0, 7, 0)] // too late for an hour today: tomorrow's opening
    public void A_room_now_starts_at_the_next_five_minutes_while_open_else_at_the_next_opening(int hour, int minute, int second, int startHour,
        int startMinute)
    {
        var start = TimeSlots.NextStart(Berlin, Local(1, hour, minute).AddSeconds(second), TimeSpan.FromHours(1));

        Assert.Equal(Local(hour < 19 ? 1 : 2, startHour, startMinute), start);
    }

    [Fact]
    public void Late_on_friday_the_next_start_is_monday_morning()
    {
        var start = TimeSlots.NextStart(Berlin, Local(5, 19, 30), TimeSpan.FromHours(1));

        Assert.Equal(Local(8, 7, 0), start);
    }

    [Fact]
    public void The_zone_caption_names_the_zone_and_its_offset_at_that_moment()
    {
        Assert.Equal("Europe/Berlin, UTC+01:00", Berlin.ZoneCaption(Local(1, 10, 0)));
        Assert.Equal("Europe/Berlin, UTC+02:00", Berlin.ZoneCaption(Berlin.ToUtc(new DateOnly(2027, 7, 1), new TimeOnly(10, 0))));
    }

    [Fact]
    public void A_time_off_the_quarter_hour_grid_is_still_offered()
    {
        var choices = TimeSlots.Choices(new TimeOnly(10, 10));

        Assert.Equal(24 * 4 + 1, choices.Count);
        Assert.Contains(choices, c => c.Text == "10:10");
        Assert.True(choices.Select(c => c.Value).SequenceEqual(choices.Select(c => c.Value).Order()));
    }
}
