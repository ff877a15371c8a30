using System.Globalization;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;

namespace BookingPortal.Domain.Bookings;

public enum RecurrenceFrequency
{
    Daily,
    Weekly,
    Monthly,
}

/// <summary>Where a series lands: its occurrences in order, or why it cannot be laid out.</summary>
public sealed record RecurrenceExpansion(IReadOnlyList<TimeRange> Occurrences, ValidationErrors Errors);

/// <summary>
/// How a booking repeats: every <see cref="Interval"/> days, weeks (on chosen weekdays) or months, either
/// <see cref="Count"/> times or until a local date. Every occurrence keeps the first one's wall-clock start and end in
/// the location's zone, so 09:00 stays 09:00 across a daylight-saving change.
/// </summary>
public sealed record Recurrence
{
    /// <summary>A series is stored in one transaction and checked occurrence by occurrence; this keeps both bounded.</summary>
    public const int MaxOccurrences = 100;

    public const int MaxInterval = 99;

    private static readonly DayOfWeek[] WeekOrder =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    // One bit per weekday keeps the record's value equality meaningful, which a list would not.
    private readonly int _days;

    private Recurrence(RecurrenceFrequency frequency, int interval, int days, int? count, DateOnly? until)
    {
        Frequency = frequency;
        Interval = interval;
        _days = days;
        Count = count;
        Until = until;
    }

    public RecurrenceFrequency Frequency { get; }
    public int Interval { get; }

    /// <summary>How many occurrences, the first included; or null when <see cref="Until"/> ends the series.</summary>
    public int? Count { get; }

    /// <summary>The last local day an occurrence may fall on; or null when <see cref="Count"/> ends the series.</summary>
    public DateOnly? Until { get; }

    /// <summary>The weekdays of a weekly rule, Monday first; empty means the first occurrence's weekday.</summary>
    public IReadOnlyList<DayOfWeek> DaysOfWeek => WeekOrder.Where(d => (_days & Bit(d)) != 0).ToList();

    /// <summary>A rule, or the reasons it is not one, keyed by the request's <c>recurrence.*</c> fields.</summary>
    public static (Recurrence? Rule, ValidationErrors Errors) Create(RecurrenceFrequency frequency, int interval = 1,
        IEnumerable<DayOfWeek>? daysOfWeek = null, int? count = null, DateOnly? until = null)
    {
        var errors = new ValidationErrors();
        if (!Enum.IsDefined(frequency))
        {
            errors.Add("recurrence.frequency", "The frequency must be daily, weekly or monthly.");
        }

        if (interval is < 1 or > MaxInterval)
        {
            errors.Add("recurrence.interval", $"The interval must be a whole number from 1 to {MaxInterval}.");
        }

        var days = 0;
        foreach (var day in daysOfWeek ?? [])
        {
            if (!Enum.IsDefined(day))
            {
                errors.Add("recurrence.daysOfWeek", "Days of the week are monday to sunday.");
                continue;
            }

            days |= Bit(day);
        }

        if (days != 0 && frequency != RecurrenceFrequency.Weekly)
        {
            errors.Add("recurrence.daysOfWeek", "Days of the week only apply to a weekly series; for every weekday use weekly with monday to friday.");
        }

        switch (count, until)
        {
            case (null, null):
                errors.Add("recurrence.count", "Say how the series ends: give 'count' (number of occurrences) or 'until' (last date).");
                break;
            case (not null, not null):
                errors.Add("recurrence.until", "Give either 'count' or 'until', not both.");
                break;
            case ({ } n, _) when n is < 1 or > MaxOccurrences:
                errors.Add("recurrence.count", $"The count must be from 1 to {MaxOccurrences}.");
                break;
        }

        return errors.IsEmpty ? (new Recurrence(frequency, interval, days, count, until), errors) : (null, errors);
    }

    /// <summary>
    /// The occurrences of a series that starts with <paramref name="first"/>, in order. Each later one starts and ends
    /// at the first one's local times on its own local day; a time that a spring-forward change skips moves forward by
    /// the gap (as <see cref="Location.ToUtc"/> does). A month without the first day's date (the 31st in April) has no
    /// occurrence, as in iCalendar, rather than one moved to another day.
    /// </summary>
    public RecurrenceExpansion Expand(TimeRange first, Location location)
    {
        var errors = new ValidationErrors();
        var localStart = location.ToLocal(first.Start).DateTime;
        var localEnd = location.ToLocal(first.End).DateTime;
        var firstDay = DateOnly.FromDateTime(localStart);
        if (Frequency == RecurrenceFrequency.Weekly && _days != 0 && (_days & Bit(firstDay.DayOfWeek)) == 0)
        {
            errors.Add("recurrence.daysOfWeek",
                $"The days must include {firstDay.DayOfWeek.ToString().ToLowerInvariant()}: the series starts with the requested booking on {Describe(firstDay)}.");
        }

        if (Until is { } last && last < firstDay)
        {
            errors.Add("recurrence.until", $"'until' ({last:yyyy-MM-dd}) is before the first occurrence ({firstDay:yyyy-MM-dd}).");
        }

        if (!errors.IsEmpty)
        {
            return new RecurrenceExpansion([], errors);
        }

        var startTime = TimeOnly.FromDateTime(localStart);
        var endTime = TimeOnly.FromDateTime(localEnd);
        var endDayOffset = DateOnly.FromDateTime(localEnd).DayNumber - firstDay.DayNumber;
        var occurrences = new List<TimeRange>();
        foreach (var day in Days(firstDay))
        {
            if ((Until is { } until && day > until) || occurrences.Count == Count)
            {
                break;
            }

            if (occurrences.Count == MaxOccurrences)
            {
                errors.Add("recurrence.until",
                    $"The series would have more than {MaxOccurrences} occurrences; choose an earlier 'until' or a longer interval.");
                break;
            }

            var range = first;
            if (day != firstDay && !TimeRange.TryCreate(location.ToUtc(day, startTime), location.ToUtc(day.AddDays(endDayOffset), endTime), out range))
            {
                // The skipped hour of a spring change can swallow a whole booking; a first booking across the repeated
                // autumn hour can end "before" its start on the wall clock.
                errors.Add("recurrence", $"On {Describe(day)} a daylight-saving change leaves no time for the booking's wall-clock times; choose another start time.");
                break;
            }

            if (occurrences.Count > 0 && range.Start < occurrences[^1].End)
            {
                errors.Add("recurrence.interval", "Occurrences would overlap each other; choose a longer interval or a shorter booking.");
                break;
            }

            occurrences.Add(range);
        }

        return errors.IsEmpty ? new RecurrenceExpansion(occurrences, errors) : new RecurrenceExpansion([], errors);
    }

    /// <summary>A canonical form in iCalendar RRULE notation, e.g. <c>FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=10</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"FREQ={Frequency.ToString().ToUpperInvariant()}", $"INTERVAL={Interval}" };
        if (_days != 0)
        {
            parts.Add("BYDAY=" + string.Join(",", DaysOfWeek.Select(d => d.ToString()[..2].ToUpperInvariant())));
        }

        parts.Add(Count is { } count ? $"COUNT={count}" : $"UNTIL={Until!.Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}");
        return string.Join(";", parts);
    }

    /// <summary>Candidate local days in order. Daily and weekly rules never run dry; the caller stops them.</summary>
    private IEnumerable<DateOnly> Days(DateOnly first)
    {
        switch (Frequency)
        {
            case RecurrenceFrequency.Daily:
                for (var day = first; ; day = day.AddDays(Interval))
                {
                    yield return day;
                }

            case RecurrenceFrequency.Weekly:
                // Weeks start on Monday (ISO 8601, iCalendar's default), so "every 2 weeks on Mon and Fri" keeps pairs together.
                var days = _days == 0 ? Bit(first.DayOfWeek) : _days;
                for (var monday = first.AddDays(-(((int)first.DayOfWeek + 6) % 7)); ; monday = monday.AddDays(7 * Interval))
                {
                    foreach (var day in WeekOrder.Select((weekday, offset) => (weekday, day: monday.AddDays(offset))))
                    {
                        if (day.day >= first && (days & Bit(day.weekday)) != 0)
                        {
                            yield return day.day;
                        }
                    }
                }

            default:
                // A 29th to 31st is missing in some months; four times the cap of steps always finds enough months
                // that have it, and stays far from the end of the calendar.
                var firstOfMonth = new DateOnly(first.Year, first.Month, 1);
                for (var step = 0; step <= 4 * (MaxOccurrences + 1); step++)
                {
                    var month = firstOfMonth.AddMonths(step * Interval);
                    if (first.Day <= DateTime.DaysInMonth(month.Year, month.Month))
                    {
                        yield return month.AddDays(first.Day - 1);
                    }
                }

                break;
        }
    }

    private static int Bit(DayOfWeek day) => 1 << (int)day;

    private static string Describe(DateOnly day) => day.ToString("ddd yyyy-MM-dd", CultureInfo.InvariantCulture);
}
