using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Locations;

public sealed class Location : AggregateRoot
{
    public static readonly TimeSpan DefaultNoShowGracePeriod = TimeSpan.FromMinutes(15);

    private List<OpeningInterval> _openingHours = [];
    private List<Closure> _closures = [];

    private Location()
    {
        Name = string.Empty;
        TimeZoneId = string.Empty;
    }

    public Location(Guid id, string name, string timeZoneId, IEnumerable<OpeningInterval> openingHours)
    {
        Id = id;
        Name = RequireName(name);
        TimeZoneId = RequireZone(timeZoneId);
        SetOpeningHours(openingHours);
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public string TimeZoneId { get; private set; }
    public TimeSpan NoShowGracePeriod { get; private set; } = DefaultNoShowGracePeriod;
    public IReadOnlyList<OpeningInterval> OpeningHours => _openingHours.AsReadOnly();
    public IReadOnlyList<Closure> Closures => _closures.AsReadOnly();

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    public void Rename(string name) => Name = RequireName(name);

    public void MoveToTimeZone(string timeZoneId) => TimeZoneId = RequireZone(timeZoneId);

    public void SetOpeningHours(IEnumerable<OpeningInterval> openingHours)
    {
        var intervals = openingHours.OrderBy(i => i.Day).ThenBy(i => i.Start).ToList();
        var errors = CheckOpeningHours(intervals);
        if (!errors.IsEmpty)
        {
            throw new DomainException(errors.ToString());
        }

        _openingHours = intervals;
    }

    /// <summary>What is wrong with these intervals, per weekday (field <c>openingHours.Monday</c> and so on).</summary>
    public static ValidationErrors CheckOpeningHours(IEnumerable<OpeningInterval> openingHours)
    {
        var errors = new ValidationErrors();
        var intervals = openingHours.OrderBy(i => i.Day).ThenBy(i => i.Start).ToList();
        foreach (var invalid in intervals.Where(i => !i.IsValid))
        {
            errors.Add(OpeningHoursField(invalid.Day), $"Opening interval on {invalid.Day} must end after it starts ({invalid.Start:HH:mm}-{invalid.End:HH:mm}).");
        }

        for (var i = 1; i < intervals.Count; i++)
        {
            if (intervals[i].Day == intervals[i - 1].Day && intervals[i].StartOffset < intervals[i - 1].EndOffset)
            {
                errors.Add(OpeningHoursField(intervals[i].Day), $"Opening intervals on {intervals[i].Day} overlap.");
            }
        }

        return errors;
    }

    public static string OpeningHoursField(DayOfWeek day) => $"openingHours.{day}";

    public void SetClosures(IEnumerable<Closure> closures)
    {
        var list = closures.OrderBy(c => c.From).ToList();
        if (list.FirstOrDefault(c => c.To < c.From) is { } backwards)
        {
            throw new DomainException($"The closure '{backwards.Reason}' ends before it starts.");
        }

        _closures = list;
    }

    public void SetNoShowGracePeriod(TimeSpan grace)
    {
        if (grace < TimeSpan.Zero || grace > TimeSpan.FromHours(4))
        {
            throw new DomainException("The no-show grace period must be between 0 minutes and 4 hours.");
        }

        NoShowGracePeriod = grace;
    }

    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone);

    /// <summary>The local calendar day an instant falls on here.</summary>
    public DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    /// <summary>
    /// The UTC instant of a wall-clock time. A time skipped by a spring-forward change moves forward by the gap;
    /// an ambiguous autumn time takes its first (daylight) occurrence, as people mean "the first 02:30".
    /// </summary>
    public DateTimeOffset ToUtc(DateOnly day, TimeOnly time) => ToUtc(TimeZone, day, time);

    /// <inheritdoc cref="ToUtc(DateOnly, TimeOnly)"/>
    public static DateTimeOffset ToUtc(TimeZoneInfo zone, DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var gap = zone.GetAdjustmentRules()
                .Where(r => r.DateStart <= local && local <= r.DateEnd)
                .Select(r => r.DaylightDelta)
                .DefaultIfEmpty(TimeSpan.FromHours(1))
                .First();
            local = local.Add(gap);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>Whether the whole range lies within one opening interval of one local day, evaluated on the wall clock.</summary>
    public bool IsOpenThroughout(TimeRange range)
    {
        var localStart = ToLocal(range.Start);
        var localEnd = ToLocal(range.End);
        var day = DateOnly.FromDateTime(localStart.DateTime);
        if (_closures.Any(c => c.Covers(day)))
        {
            return false;
        }

        var startOffset = localStart.TimeOfDay;
        var endOffset = localEnd.DateTime.Date == localStart.DateTime.Date ? localEnd.TimeOfDay
            : localEnd.DateTime.Date == localStart.DateTime.Date.AddDays(1) && localEnd.TimeOfDay == TimeSpan.Zero ? TimeSpan.FromDays(1)
            : TimeSpan.MaxValue;

        return _openingHours.Any(i => i.Day == localStart.DayOfWeek && i.StartOffset <= startOffset && endOffset <= i.EndOffset);
    }

    private static string RequireName(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new DomainException("A location needs a name.") : name.Trim();

    private static string RequireZone(string timeZoneId)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) || !zone.HasIanaId)
        {
            throw new DomainException($"'{timeZoneId}' is not an IANA time zone.");
        }

        return timeZoneId;
    }
}
