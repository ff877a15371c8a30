using System.Globalization;

namespace BookingPortal.Domain.Common;

/// <summary>A half-open instant range <c>[Start, End)</c>, always held in UTC.</summary>
public readonly record struct TimeRange
{
    public TimeRange(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
        {
            throw new ArgumentException($"A time range must end after it starts ({start:O} .. {end:O}).", nameof(end));
        }

        Start = start.ToUniversalTime();
        End = end.ToUniversalTime();
    }

    public DateTimeOffset Start { get; }
    public DateTimeOffset End { get; }
    public TimeSpan Duration => End - Start;

    public static bool TryCreate(DateTimeOffset start, DateTimeOffset end, out TimeRange range)
    {
        range = end > start ? new TimeRange(start, end) : default;
        return end > start;
    }

    public bool Overlaps(TimeRange other) => Start < other.End && other.Start < End;

    public bool Contains(DateTimeOffset instant) => Start <= instant && instant < End;

    public TimeRange Widen(TimeSpan before, TimeSpan after) => new(Start - before, End + after);

    public TimeRange Shift(TimeSpan by) => new(Start + by, End + by);

    /// <summary>How people read it in messages: "Mon 1 Mar 2027 10:00–11:00 (Europe/Berlin)", on the zone's wall clock.</summary>
    public string Describe(string timeZoneId)
    {
        var start = TimeZoneInfo.ConvertTimeBySystemTimeZoneId(Start, timeZoneId);
        var end = TimeZoneInfo.ConvertTimeBySystemTimeZoneId(End, timeZoneId);
        var endFormat = start.Date == end.Date ? "HH:mm" : "ddd d MMM HH:mm";
        var from = start.ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
        return $"{from}\u2013{end.ToString(endFormat, CultureInfo.InvariantCulture)} ({timeZoneId})";
    }

    public override string ToString() => $"[{Start:yyyy-MM-ddTHH:mm:ssZ}, {End:yyyy-MM-ddTHH:mm:ssZ})";
}
