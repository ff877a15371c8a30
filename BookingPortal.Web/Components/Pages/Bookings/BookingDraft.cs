using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Web.Components.Shared;

namespace BookingPortal.Web.Components.Pages.Bookings;

/// <summary>Which occurrences of a series a change is for, as calendar apps ask it.</summary>
public enum SeriesScope
{
    Occurrence,
    Following,
    Series,
}

/// <summary>What the booking dialog edits: a new booking, or (with <see cref="BookingId"/>) changes to an existing one.</summary>
public sealed class BookingDraft
{
    public Guid? BookingId { get; init; }

    /// <summary>The version the change was started from, so a change made meanwhile by someone else is not overwritten.</summary>
    public uint? Version { get; set; }

    public string Title { get; set; } = string.Empty;
    public int Attendees { get; set; } = 1;
    public IEnumerable<Guid> ResourceIds { get; set; } = [];
    public DateOnly Day { get; set; }
    public TimeOnly Start { get; set; }
    public int DurationMinutes { get; set; } = 60;

    /// <summary>For a new booking: how it repeats (not at all by default).</summary>
    public RepeatDraft Repeat { get; } = new();

    /// <summary>For an occurrence of a series: the series, its version and its rule in words.</summary>
    public SeriesInfo? Series { get; set; }

    public SeriesScope Scope { get; set; } = SeriesScope.Occurrence;

    /// <summary>The values the change started from; a series-wide change sends only what differs, so others' own edits survive.</summary>
    public Baseline? Original { get; init; }

    public bool IsChange => BookingId is not null;

    public bool IsSeriesChange => IsChange && Series is not null && Scope != SeriesScope.Occurrence;

    /// <summary>The requested range in UTC: the wall-clock start in the location's zone, lasting the chosen minutes.</summary>
    public TimeRange RangeIn(Location location) => location.Range(Day, Start, DurationMinutes);

    public void MoveTo(Location location, DateTimeOffset start, DateTimeOffset end)
    {
        var local = location.ToLocal(start);
        Day = DateOnly.FromDateTime(local.DateTime);
        Start = TimeOnly.FromDateTime(local.DateTime);
        DurationMinutes = (int)Math.Round((end - start).TotalMinutes);
    }

    public sealed record SeriesInfo(Guid Id, uint Version, string Summary);

    public sealed record Baseline(string Title, int Attendees, IReadOnlyList<Guid> ResourceIds, TimeRange Range);
}

/// <summary>The repeat part of a new booking, turned into the engine's rule when it repeats at all.</summary>
public sealed class RepeatDraft
{
    public const int MaxOccurrences = 100;

    /// <summary>Null: does not repeat.</summary>
    public RecurrenceFrequency? Frequency { get; set; }

    public int Interval { get; set; } = 1;
    public HashSet<DayOfWeek> Days { get; } = [];
    public bool EndsOnDate { get; set; }
    public int Count { get; set; } = 10;
    public DateOnly? Until { get; set; }

    public bool Repeats => Frequency is not null;

    /// <summary>The rule, or the reasons it cannot be one (keyed by the dialog's field names).</summary>
    public (Recurrence? Rule, ValidationErrors Errors) ToRule(DateOnly firstDay)
    {
        var days = Frequency == RecurrenceFrequency.Weekly && Days.Count > 0 ? Days : (IEnumerable<DayOfWeek>?)null;
        if (EndsOnDate && Until is null)
        {
            var errors = new ValidationErrors();
            errors.Add("recurrence.until", "Choose the last day, or end after a number of times.");
            return (null, errors);
        }

        var until = EndsOnDate ? Until : null;
        if (until is { } last && last < firstDay)
        {
            var errors = new ValidationErrors();
            errors.Add("recurrence.until", "The last day cannot be before the first booking.");
            return (null, errors);
        }

        return Recurrence.Create(Frequency!.Value, Interval, days, EndsOnDate ? null : Count, until);
    }
}
