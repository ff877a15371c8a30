using System.Globalization;
using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Catalog;

namespace BookingPortal.Web.Components.Pages.Admin;

/// <summary>The location form as typed: times are text until saved, so a half-typed "8:3" is an inline message, not a crash.</summary>
public sealed class LocationModel
{
    public static readonly IReadOnlyList<DayOfWeek> Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    private static readonly string[] TimeFormats = ["HH:mm", "H:mm", "HHmm", "HH"];

    public string? Name { get; set; }
    public string? TimeZoneId { get; set; }
    public int NoShowGraceMinutes { get; set; }
    public List<IntervalRow> Hours { get; set; } = [];
    public List<ClosureRow> Closures { get; set; } = [];

    /// <summary>A new office's usual week, Monday to Friday 08:00–18:00, with the deployment's default grace period.</summary>
    public static LocationModel ForNewLocation(TimeSpan noShowGrace) => new()
    {
        Hours = Week.Take(5).Select(day => new IntervalRow { Day = day }).ToList(),
        NoShowGraceMinutes = (int)noShowGrace.TotalMinutes,
    };

    public static LocationModel Of(LocationView view) => new()
    {
        Name = view.Name,
        TimeZoneId = view.TimeZone,
        NoShowGraceMinutes = view.NoShowGraceMinutes,
        Hours = view.OpeningHours.Select(h => new IntervalRow { Day = h.Day, Start = Text(h.Start, false), End = Text(h.End, true) }).ToList(),
        Closures = view.Closures.Select(c => new ClosureRow { From = c.From, To = c.To, Reason = c.Reason }).ToList(),
    };

    public void CopyMondayToWeekdays()
    {
        var monday = Hours.Where(h => h.Day == DayOfWeek.Monday).ToList();
        foreach (var day in Week.Skip(1).Take(4))
        {
            Hours.RemoveAll(h => h.Day == day);
            Hours.AddRange(monday.Select(h => new IntervalRow { Day = day, Start = h.Start, End = h.End }));
        }
    }

    /// <summary>The definition to save, or the fields whose text is not a time or date yet.</summary>
    public (LocationDefinition? Definition, IReadOnlyDictionary<string, string[]> Errors) ToDefinition()
    {
        var errors = new Dictionary<string, string[]>();
        var intervals = new List<OpeningInterval>();
        foreach (var row in Hours)
        {
            var start = ParseTime(row.Start, false);
            var end = ParseTime(row.End, true);
            if (start is null || end is null)
            {
                errors[Location.OpeningHoursField(row.Day)] = ["Enter times as HH:mm, e.g. 08:30; 24:00 means until midnight."];
                continue;
            }

            intervals.Add(new OpeningInterval(row.Day, start.Value, end.Value));
        }

        var closures = new List<Closure>();
        for (var i = 0; i < Closures.Count; i++)
        {
            if (Closures[i].From is not { } from)
            {
                errors[$"closures[{i}]"] = ["Pick the first closed day."];
                continue;
            }

            closures.Add(new Closure(from, Closures[i].To ?? from, Closures[i].Reason ?? string.Empty));
        }

        return errors.Count > 0 ? (null, errors) : (new LocationDefinition(Name, TimeZoneId, intervals, closures, NoShowGraceMinutes), errors);
    }

    private static TimeOnly? ParseTime(string? text, bool isEnd)
    {
        var trimmed = text?.Trim();
        if (isEnd && trimmed is "24:00" or "24")
        {
            return TimeOnly.MinValue;
        }

        return TimeOnly.TryParseExact(trimmed, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;
    }

    private static string Text(TimeOnly time, bool isEnd) => isEnd && time == TimeOnly.MinValue ? "24:00" : time.ToString("HH:mm", CultureInfo.InvariantCulture);
}

public sealed class IntervalRow
{
    public DayOfWeek Day { get; set; }
    public string? Start { get; set; } = "08:00";
    public string? End { get; set; } = "18:00";
}

public sealed class ClosureRow
{
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public string? Reason { get; set; }
}
