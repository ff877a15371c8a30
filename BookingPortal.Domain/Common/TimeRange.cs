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

    public override string ToString() => $"[{Start:yyyy-MM-ddTHH:mm:ssZ}, {End:yyyy-MM-ddTHH:mm:ssZ})";
}
