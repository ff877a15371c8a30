using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;

namespace BookingPortal.Tests.Domain;

/// <summary>Recurrence is a wall-clock rule: occurrences keep the first one's local times, whatever the UTC offset does.</summary>
public class RecurrenceTests
{
    private static readonly Location Berlin = TestData.Location("Europe/Berlin", TestData.AllDayEveryDay());

    private static Recurrence Rule(RecurrenceFrequency frequency, int interval = 1, DayOfWeek[]? days = null, int? count = null, DateOnly? until = null)
    {
        var (rule, errors) = Recurrence.Create(frequency, interval, days, count, until);
        Assert.True(errors.IsEmpty, errors.ToString());
        return rule!;
    }

    private static TimeRange Local(Location location, string day, string from, string to) =>
        new(location.ToUtc(DateOnly.Parse(day), TimeOnly.Parse(from)), location.ToUtc(DateOnly.Parse(day), TimeOnly.Parse(to)));

    private static IReadOnlyList<TimeRange> Occurrences(Recurrence rule, TimeRange first, Location? location = null)
    {
        var expansion = rule.Expand(first, location ?? Berlin);
        Assert.True(expansion.Errors.IsEmpty, expansion.Errors.ToString());
        return expansion.Occurrences;
    }

    [Fact]
    public void Weekly_occurrences_keep_nine_oclock_across_the_march_change_in_Berlin()
    {
        var first = Local(Berlin, "2027-03-22", "09:00", "10:00");

        var occurrences = Occurrences(Rule(RecurrenceFrequency.Weekly, count: 3), first);

        Assert.Equal(
            [DateTimeOffset.Parse("2027-03-22T08:00:00Z"), DateTimeOffset.Parse("2027-03-29T07:00:00Z"), DateTimeOffset.Parse("2027-04-05T07:00:00Z")],
            occurrences.Select(o => o.Start));
        Assert.All(occurrences, o => Assert.Equal(TimeSpan.FromHours(1), o.Duration));
        Assert.All(occurrences, o => Assert.Equal(new TimeOnly(9, 0), TimeOnly.FromDateTime(Berlin.ToLocal(o.Start).DateTime)));
    }

    [Fact]
    public void Daily_occurrences_keep_their_local_time_when_new_york_falls_back()
    {
        var newYork = TestData.Location("America/New_York", TestData.AllDayEveryDay());
        var first = Local(newYork, "2027-11-05", "08:30", "09:15");

        var occurrences = Occurrences(Rule(RecurrenceFrequency.Daily, count: 4), first, newYork);

        Assert.Equal(["12:30", "12:30", "13:30", "13:30"], occurrences.Select(o => o.Start.UtcDateTime.ToString("HH:mm")));
    }

    [Fact]
    public void A_start_the_spring_change_skips_moves_forward_by_the_gap()
    {
        var first = Local(Berlin, "2027-03-27", "02:30", "04:00");

        var occurrences = Occurrences(Rule(RecurrenceFrequency.Daily, count: 3), first);

        // 02:30 does not exist on 2027-03-28: it becomes 03:30 CEST (01:30Z), and the booking keeps its 04:00 end.
        Assert.Equal(new TimeRange(DateTimeOffset.Parse("2027-03-28T01:30:00Z"), DateTimeOffset.Parse("2027-03-28T02:00:00Z")), occurrences[1]);
        Assert.Equal(DateTimeOffset.Parse("2027-03-29T00:30:00Z"), occurrences[2].Start);
    }

    [Fact]
    public void A_booking_the_spring_change_swallows_whole_is_refused()
    {
        var first = Local(Berlin, "2027-03-27", "02:00", "03:00");

        var expansion = Rule(RecurrenceFrequency.Daily, count: 2).Expand(first, Berlin);

        Assert.Contains("2027-03-28", Assert.Single(expansion.Errors.ToDictionary()["recurrence"]));
    }

    [Fact]
    public void Weekly_on_several_days_every_second_week_keeps_the_pairs_together()
    {
        var first = Local(Berlin, "2027-03-01", "10:00", "11:00");
        var rule = Rule(RecurrenceFrequency.Weekly, 2, [DayOfWeek.Thursday, DayOfWeek.Monday], count: 5);

        var days = Occurrences(rule, first).Select(o => DateOnly.FromDateTime(Berlin.ToLocal(o.Start).DateTime));

        Assert.Equal([new DateOnly(2027, 3, 1), new(2027, 3, 4), new(2027, 3, 15), new(2027, 3, 18), new(2027, 3, 29)], days);
    }

    [Fact]
    public void Until_is_an_inclusive_local_day_and_matches_the_same_count()
    {
        var first = Local(Berlin, "2027-03-01", "23:00", "23:30");
        var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };

        var byUntil = Occurrences(Rule(RecurrenceFrequency.Weekly, days: weekdays, until: new DateOnly(2027, 3, 12)), first);
        var byCount = Occurrences(Rule(RecurrenceFrequency.Weekly, days: weekdays, count: 10), first);

        // 23:00 Berlin is 22:00Z: the UTC date is the same local day, the last one Friday the 12th.
        Assert.Equal(10, byUntil.Count);
        Assert.Equal(byCount, byUntil);
        Assert.Equal(new DateOnly(2027, 3, 12), DateOnly.FromDateTime(Berlin.ToLocal(byUntil[^1].Start).DateTime));
    }

    [Fact]
    public void Monthly_on_the_31st_skips_months_without_one()
    {
        var first = Local(Berlin, "2027-01-31", "09:00", "10:00");

        var months = Occurrences(Rule(RecurrenceFrequency.Monthly, count: 4), first).Select(o => Berlin.ToLocal(o.Start).ToString("yyyy-MM-dd"));

        Assert.Equal(["2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31"], months);
    }

    [Fact]
    public void More_than_the_cap_is_refused_not_cut_short()
    {
        var first = Local(Berlin, "2027-03-01", "09:00", "10:00");

        var expansion = Rule(RecurrenceFrequency.Daily, until: new DateOnly(2027, 12, 31)).Expand(first, Berlin);

        Assert.Empty(expansion.Occurrences);
        Assert.Contains("recurrence.until", expansion.Errors.ToDictionary().Keys);
        Assert.Equal(Recurrence.MaxOccurrences, Occurrences(Rule(RecurrenceFrequency.Daily, count: Recurrence.MaxOccurrences), first).Count);
    }

    [Theory]
    [InlineData(RecurrenceFrequency.Weekly, 0, null, 3, null, "recurrence.interval")]
    [InlineData(RecurrenceFrequency.Weekly, 100, null, 3, null, "recurrence.interval")]
    [InlineData(RecurrenceFrequency.Weekly, 1, null, null, null, "recurrence.count")]
    [InlineData(RecurrenceFrequency.Weekly, 1, null, 3, "2027-04-01", "recurrence.until")]
    [InlineData(RecurrenceFrequency.Weekly, 1, null, 0, null, "recurrence.count")]
    [InlineData(RecurrenceFrequency.Weekly, 1, null, 101, null, "recurrence.count")]
    [InlineData(RecurrenceFrequency.Daily, 1, DayOfWeek.Monday, 3, null, "recurrence.daysOfWeek")]
    [InlineData((RecurrenceFrequency)7, 1, null, 3, null, "recurrence.frequency")]
    public void A_malformed_rule_names_the_field(RecurrenceFrequency frequency, int interval, DayOfWeek? day, int? count, string? until, string field)
    {
        var (rule, errors) = Recurrence.Create(frequency, interval, day is { } d ? [d] : null, count, until is null ? null : DateOnly.Parse(until));

        Assert.Null(rule);
        Assert.Contains(field, errors.ToDictionary().Keys);
    }

    [Fact]
    public void The_first_occurrence_must_be_one_of_the_chosen_days_and_not_after_until()
    {
        var tuesday = Local(Berlin, "2027-03-02", "09:00", "10:00");

        var wrongDay = Rule(RecurrenceFrequency.Weekly, days: [DayOfWeek.Monday], count: 3).Expand(tuesday, Berlin);
        var endsBefore = Rule(RecurrenceFrequency.Daily, until: new DateOnly(2027, 3, 1)).Expand(tuesday, Berlin);

        Assert.Contains("tuesday", Assert.Single(wrongDay.Errors.ToDictionary()["recurrence.daysOfWeek"]));
        Assert.Contains("recurrence.until", endsBefore.Errors.ToDictionary().Keys);
    }

    [Fact]
    public void Occurrences_that_would_overlap_each_other_are_refused()
    {
        var longDay = Local(Berlin, "2027-03-01", "00:00", "23:00").Widen(TimeSpan.Zero, TimeSpan.FromHours(2));

        var expansion = Rule(RecurrenceFrequency.Daily, count: 2).Expand(longDay, Berlin);

        Assert.Contains("recurrence.interval", expansion.Errors.ToDictionary().Keys);
    }

    [Fact]
    public void Rules_are_values_with_an_rrule_form()
    {
        var rule = Rule(RecurrenceFrequency.Weekly, 2, [DayOfWeek.Wednesday, DayOfWeek.Monday], count: 10);

        Assert.Equal(Rule(RecurrenceFrequency.Weekly, 2, [DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Monday], count: 10), rule);
        Assert.Equal("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10", rule.ToString());
        Assert.Equal("FREQ=MONTHLY;INTERVAL=1;UNTIL=20271231", Rule(RecurrenceFrequency.Monthly, until: new DateOnly(2027, 12, 31)).ToString());
    }
}
