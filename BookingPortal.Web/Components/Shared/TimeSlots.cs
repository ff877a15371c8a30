using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;

namespace BookingPortal.Web.Components.Shared;

public sealed record TimeChoice(TimeOnly Value)
{
    public string Text => Value.ToString("HH:mm", LocationTime.Culture);
}

public sealed record DurationChoice(int Minutes)
{
    public string Text => Minutes switch
    {
        < 60 => $"{Minutes} min",
        _ when Minutes % 60 == 0 => $"{Minutes / 60} h",
        _ => $"{Minutes / 60} h {Minutes % 60} min",
    };
}

/// <summary>The times people pick from, and where "now" lands when someone wants a room straight away.</summary>
internal static class TimeSlots
{
    public const int StepMinutes = 15;

    /// <summary>"Now" rounds up to this, so a room found at 10:07 is offered from 10:10, not from an odd minute.</summary>
    private const int NowGranularityMinutes = 5;

    private const int DaysToLookAhead = 14;

    public static IReadOnlyList<DurationChoice> Durations { get; } =
        [new(15), new(30), new(45), new(60), new(90), new(120), new(180), new(240), new(480)];

    /// <summary>Every quarter hour of a day, plus the given times, so a value off the grid still shows as selected.</summary>
    public static IReadOnlyList<TimeChoice> Choices(params TimeOnly[] include) =>
        Enumerable.Range(0, 24 * 60 / StepMinutes)
            .Select(i => TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(i * StepMinutes)))
            .Concat(include)
            .Distinct()
            .Order()
            .Select(t => new TimeChoice(t))
            .ToList();

    public static IReadOnlyList<DurationChoice> DurationsWith(int minutes) =>
        Durations.Any(d => d.Minutes == minutes) || minutes <= 0 ? Durations : [.. Durations.Append(new DurationChoice(minutes)).OrderBy(d => d.Minutes)];

    /// <summary>
    /// The earliest start from now on (rounded up to five minutes) at which the location is open for the whole
    /// duration: now if it is open, else the next opening. Without one in the next two weeks, the rounded now.
    /// </summary>
    public static DateTimeOffset NextStart(Location location, DateTimeOffset now, TimeSpan duration)
    {
        // Zone offsets are whole quarter hours, so rounding the UTC instant rounds the wall clock the same way.
        var step = TimeSpan.FromMinutes(NowGranularityMinutes).Ticks;
        var rounded = new DateTimeOffset((now.UtcTicks + step - 1) / step * step, TimeSpan.Zero);
        var local = location.ToLocal(rounded);

        var today = DateOnly.FromDateTime(local.DateTime);
        var openings = Enumerable.Range(0, DaysToLookAhead + 1)
            .Select(today.AddDays)
            .SelectMany(day => location.OpeningHours.Where(i => i.Day == day.DayOfWeek).Select(i => location.ToUtc(day, i.Start)));
        return openings.Where(o => o > rounded)
            .Prepend(rounded)
            .Order()
            .Where(start => location.IsOpenThroughout(new TimeRange(start, start + duration)))
            .DefaultIfEmpty(rounded)
            .First();
    }

    /// <summary>The wall-clock hours a day view should span: the opening hours (of one weekday or all), or office hours when closed.</summary>
    public static (TimeSpan From, TimeSpan To) VisibleHours(Location location, DayOfWeek? day = null)
    {
        var intervals = location.OpeningHours.Where(i => day is null || i.Day == day).ToList();
        if (intervals.Count == 0)
        {
            return (TimeSpan.FromHours(8), TimeSpan.FromHours(18));
        }

        return (TimeSpan.FromHours(Math.Floor(intervals.Min(i => i.StartOffset).TotalHours)),
            TimeSpan.FromHours(Math.Ceiling(intervals.Max(i => i.EndOffset).TotalHours)));
    }
}
