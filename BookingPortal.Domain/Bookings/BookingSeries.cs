using System.Globalization;
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

    /// <summary>The series this one continues: "this and following" split it off there.</summary>
    public Guid? SplitFrom { get; private set; }

    /// <summary>Counts edits of the series as a whole; every one rewrites the row, which bumps <see cref="Version"/>.</summary>
    public int Revision { get; private set; }

    /// <summary>
    /// Changes of members that a split handed to the continuation. A calendar's SEQUENCE for the series counts its
    /// members' changes; without this it would go down when members leave, and calendar apps ignore a lower one.
    /// </summary>
    public int SequenceBase { get; private set; }

    /// <summary>Row version for optimistic concurrency (PostgreSQL xmin): the series' ETag.</summary>
    public uint Version { get; private set; }

    public TimeRange First => new(FirstStart, FirstEnd);

    public Recurrence Rule => Recurrence.Create(Frequency, Interval,
            DaysOfWeek.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<DayOfWeek>), OccurrenceCount, UntilDate)
        .Rule ?? throw new DomainException($"Series {Id} holds a rule that no longer validates.");

    public static BookingSeries Of(Guid id, Recurrence rule, TimeRange first, string timeZoneId, DateTimeOffset now) =>
        new(id, rule, first, timeZoneId, now);

    /// <summary>
    /// The rest of this series from <paramref name="first"/> on, as a series of its own under <paramref name="rule"/>;
    /// this one then ends on the day before (see <see cref="EndBefore"/>).
    /// </summary>
    public BookingSeries Continue(Guid id, Recurrence rule, TimeRange first, DateTimeOffset now) =>
        new(id, rule, first, TimeZoneId, now) { SplitFrom = Id };

    /// <summary>Ends the series before a local day, where its continuation starts; the members it hands over take their changes along.</summary>
    public void EndBefore(DateOnly day, int handedOverChanges)
    {
        var last = day.AddDays(-1);
        if (last < LocalDay(FirstStart))
        {
            throw new DomainException("A series cannot end before its first occurrence.");
        }

        OccurrenceCount = null;
        UntilDate = last;
        SequenceBase += handedOverChanges;
        Revision++;
    }

    /// <summary>Lays the series out again: a new first occurrence (its wall-clock times repeat) and, optionally, a new rule.</summary>
    public void Rearrange(TimeRange first, Recurrence? rule = null)
    {
        FirstStart = first.Start;
        FirstEnd = first.End;
        if (rule is not null)
        {
            Frequency = rule.Frequency;
            Interval = rule.Interval;
            DaysOfWeek = string.Join(",", rule.DaysOfWeek);
            OccurrenceCount = rule.Count;
            UntilDate = rule.Until;
        }

        Revision++;
    }

    /// <summary>Records an edit of the whole series that left the rule as it was (a title, a room).</summary>
    public void Touch() => Revision++;

    /// <summary>The rule in words, e.g. "Every Monday and Thursday, 09:00–10:00, until 30 June 2027".</summary>
    public string Summary()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        var start = TimeZoneInfo.ConvertTime(FirstStart, zone);
        var end = TimeZoneInfo.ConvertTime(FirstEnd, zone);
        var rule = Rule;
        var every = rule.Interval == 1 ? "Every" : $"Every {rule.Interval}";
        var days = rule.DaysOfWeek.Count > 0 ? rule.DaysOfWeek : [start.DayOfWeek];
        var repeat = rule.Frequency switch
        {
            RecurrenceFrequency.Daily => rule.Interval == 1 ? "Every day" : $"{every} days",
            RecurrenceFrequency.Weekly => rule.Interval == 1 ? $"Every {Join(days.Select(d => d.ToString()))}"
                : $"{every} weeks on {Join(days.Select(d => d.ToString()))}",
            _ => $"{(rule.Interval == 1 ? "Every month" : $"{every} months")} on the {Ordinal(start.Day)}",
        };
        var ends = rule.Count is { } count
            ? count == 1 ? "once" : $"{count} times"
            : "until " + rule.Until!.Value.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
        var overnight = end.Date > start.Date ? " (next day)" : string.Empty;
        return $"{repeat}, {start:HH:mm}–{end:HH:mm}{overnight}, {ends}";
    }

    private DateOnly LocalDay(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId)).DateTime);

    private static string Join(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 1 ? list[0] : $"{string.Join(", ", list[..^1])} and {list[^1]}";
    }

    private static string Ordinal(int day) => day + (day % 100 is 11 or 12 or 13 ? "th" : (day % 10) switch
    {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    });
}
