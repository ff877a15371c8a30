using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Tests.Support;

namespace BookingPortal.Tests.Domain;

/// <summary>Opening hours are wall-clock rules: the same 07:00 opening is a different UTC instant either side of a DST change.</summary>
public class OpeningHoursTests
{
    private static TimeRange Utc(string start, string end) => new(DateTimeOffset.Parse(start), DateTimeOffset.Parse(end));

    [Theory]
    // Europe/Berlin moves to summer time on Sunday 2027-03-28: 07:00 local is 06:00Z on Friday, 05:00Z on Monday.
    [InlineData("Europe/Berlin", "2027-03-26T06:00:00Z", "2027-03-26T07:00:00Z", true)]
    [InlineData("Europe/Berlin", "2027-03-26T05:30:00Z", "2027-03-26T06:30:00Z", false)]
    [InlineData("Europe/Berlin", "2027-03-29T05:00:00Z", "2027-03-29T06:00:00Z", true)]
    [InlineData("Europe/Berlin", "2027-03-29T04:30:00Z", "2027-03-29T05:30:00Z", false)]
    [InlineData("Europe/Berlin", "2027-03-29T17:00:00Z", "2027-03-29T18:00:00Z", true)]
    [InlineData("Europe/Berlin", "2027-03-29T18:00:00Z", "2027-03-29T19:00:00Z", false)]
    // ... and back to winter time on Sunday 2027-10-31.
    [InlineData("Europe/Berlin", "2027-10-29T05:00:00Z", "2027-10-29T06:00:00Z", true)]
    [InlineData("Europe/Berlin", "2027-11-01T05:00:00Z", "2027-11-01T06:00:00Z", false)]
    [InlineData("Europe/Berlin", "2027-11-01T06:00:00Z", "2027-11-01T07:00:00Z", true)]
    [InlineData("Europe/Berlin", "2027-11-01T18:30:00Z", "2027-11-01T19:00:00Z", true)]
    // America/New_York springs forward on Sunday 2027-03-14 (07:00 local: 12:00Z before, 11:00Z after)...
    [InlineData("America/New_York", "2027-03-12T12:00:00Z", "2027-03-12T13:00:00Z", true)]
    [InlineData("America/New_York", "2027-03-12T11:00:00Z", "2027-03-12T12:00:00Z", false)]
    [InlineData("America/New_York", "2027-03-15T11:00:00Z", "2027-03-15T12:00:00Z", true)]
    [InlineData("America/New_York", "2027-03-15T10:30:00Z", "2027-03-15T11:30:00Z", false)]
    // ... and falls back on Sunday 2027-11-07.
    [InlineData("America/New_York", "2027-11-05T11:00:00Z", "2027-11-05T12:00:00Z", true)]
    [InlineData("America/New_York", "2027-11-08T11:00:00Z", "2027-11-08T12:00:00Z", false)]
    [InlineData("America/New_York", "2027-11-08T12:00:00Z", "2027-11-08T13:00:00Z", true)]
    [InlineData("America/New_York", "2027-11-09T00:00:00Z", "2027-11-09T01:00:00Z", true)]
    [InlineData("America/New_York", "2027-11-09T00:30:00Z", "2027-11-09T01:30:00Z", false)]
    public void Weekday_opening_hours_follow_the_wall_clock_across_dst(string zone, string start, string end, bool open)
    {
        var location = TestData.Location(zone, TestData.Weekdays(new TimeOnly(7, 0), new TimeOnly(20, 0)));
        Assert.Equal(open, location.IsOpenThroughout(Utc(start, end)));
    }

    [Theory]
    // On the night clocks spring forward, 00:30-03:30 local is only two real hours but still one local day.
    [InlineData("Europe/Berlin", "2027-03-27T23:30:00Z", "2027-03-28T01:30:00Z", true)]
    // On the night they fall back, 00:30-03:30 local is four real hours.
    [InlineData("Europe/Berlin", "2027-10-30T22:30:00Z", "2027-10-31T02:30:00Z", true)]
    [InlineData("America/New_York", "2027-11-07T04:30:00Z", "2027-11-07T08:30:00Z", true)]
    // A booking across local midnight leaves the day's interval.
    [InlineData("Europe/Berlin", "2027-03-27T22:30:00Z", "2027-03-27T23:30:00Z", false)]
    public void Bookings_on_the_night_of_a_change_are_judged_on_the_local_day(string zone, string start, string end, bool open)
    {
        var location = TestData.Location(zone, [new OpeningInterval(DayOfWeek.Sunday, TimeOnly.MinValue, TimeOnly.MinValue)]);
        Assert.Equal(open, location.IsOpenThroughout(Utc(start, end)));
    }

    [Fact]
    public void A_skipped_wall_clock_time_moves_forward_by_the_gap()
    {
        var berlin = TestData.Location("Europe/Berlin");
        Assert.Equal(DateTimeOffset.Parse("2027-03-28T01:30:00Z"), berlin.ToUtc(new DateOnly(2027, 3, 28), new TimeOnly(2, 30)));
    }

    [Fact]
    public void An_ambiguous_wall_clock_time_means_its_first_occurrence()
    {
        var berlin = TestData.Location("Europe/Berlin");
        Assert.Equal(DateTimeOffset.Parse("2027-10-31T00:30:00Z"), berlin.ToUtc(new DateOnly(2027, 10, 31), new TimeOnly(2, 30)));
    }

    [Fact]
    public void Closures_shut_whole_local_days()
    {
        var location = TestData.Location("Europe/Berlin");
        location.SetClosures([new Closure(new DateOnly(2027, 12, 24), new DateOnly(2027, 12, 26), "Christmas")]);
        Assert.False(location.IsOpenThroughout(Utc("2027-12-24T09:00:00Z", "2027-12-24T10:00:00Z")));
        Assert.True(location.IsOpenThroughout(Utc("2027-12-23T09:00:00Z", "2027-12-23T10:00:00Z")));
    }

    [Fact]
    public void Overlapping_intervals_on_one_day_are_refused()
    {
        var location = TestData.Location();
        Assert.Throws<DomainException>(() => location.SetOpeningHours([
            new OpeningInterval(DayOfWeek.Monday, new TimeOnly(8, 0), new TimeOnly(12, 0)),
            new OpeningInterval(DayOfWeek.Monday, new TimeOnly(11, 0), new TimeOnly(14, 0)),
        ]));
    }

    [Fact]
    public void A_non_iana_zone_is_refused()
    {
        Assert.Throws<DomainException>(() => TestData.Location("Mars/Olympus_Mons"));
    }
}
