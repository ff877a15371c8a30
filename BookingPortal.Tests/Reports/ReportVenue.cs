using BookingPortal.Domain.Locations;

namespace BookingPortal.Tests.Reports;

/// <summary>
/// The calendar of the reports' hand-computed venue: Berlin, Monday to Saturday 08:00–18:00 and all of Sunday, reported
/// from Saturday 27 to Wednesday 31 March 2027 (exclusive), Sunday 28 the day clocks go forward, Tuesday 30 a holiday.
/// </summary>
internal static class ReportVenue
{
    public static readonly DateOnly Saturday = new(2027, 3, 27);
    public static readonly DateOnly Sunday = new(2027, 3, 28);
    public static readonly DateOnly MondayAfter = new(2027, 3, 29);
    public static readonly DateOnly End = new(2027, 3, 31);
    public static readonly Closure Holiday = new(new DateOnly(2027, 3, 30), new DateOnly(2027, 3, 30), "Holiday");

    public static IEnumerable<OpeningInterval> Hours() =>
        Enum.GetValues<DayOfWeek>().Select(day => day == DayOfWeek.Sunday
            ? new OpeningInterval(day, TimeOnly.MinValue, TimeOnly.MinValue)
            : new OpeningInterval(day, new TimeOnly(8, 0), new TimeOnly(18, 0)));
}
