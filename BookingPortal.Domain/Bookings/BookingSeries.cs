using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Bookings;

/// <summary>
/// The rule a recurring booking was laid out with. Each occurrence is its own <see cref="Booking"/>; the rule is kept
/// so that calendar apps get the series as one repeating event instead of a hundred unrelated ones.
/// </summary>
public sealed class BookingSeries
{
    private BookingSeries()
    {
        TimeZoneId = string.Empty;
        DaysOfWeek = string.Empty;
    }

    private BookingSeries(Guid id, Recurrence rule, TimeRange first, string timeZoneId, DateTimeOffset now)
    {
        Id = id;
        TimeZoneId = timeZoneId;
        FirstStart = first.Start;
        FirstEnd = first.End;
        Frequency = rule.Frequency;
        Interval = rule.Interval;
        DaysOfWeek = string.Join(",", rule.DaysOfWeek);
        OccurrenceCount = rule.Count;
        UntilDate = rule.Until;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>The location's zone when the series was made: its wall-clock times repeat in this zone.</summary>
    public string TimeZoneId { get; private set; }

    public DateTimeOffset FirstStart { get; private set; }
    public DateTimeOffset FirstEnd { get; private set; }
    public RecurrenceFrequency Frequency { get; private set; }
    public int Interval { get; private set; }

    /// <summary>Weekday names of a weekly rule, comma-separated; empty for the first occurrence's weekday.</summary>
    public string DaysOfWeek { get; private set; }

    public int? OccurrenceCount { get; private set; }
    public DateOnly? UntilDate { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public TimeRange First => new(FirstStart, FirstEnd);

    public Recurrence Rule => Recurrence.Create(Frequency, Interval,
            DaysOfWeek.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<DayOfWeek>), OccurrenceCount, UntilDate)
        .Rule ?? throw new DomainException($"Series {Id} holds a rule that no longer validates.");

    public static BookingSeries Of(Guid id, Recurrence rule, TimeRange first, string timeZoneId, DateTimeOffset now) =>
        new(id, rule, first, timeZoneId, now);
}
