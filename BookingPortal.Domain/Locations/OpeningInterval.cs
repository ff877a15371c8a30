namespace BookingPortal.Domain.Locations;

/// <summary>
/// Wall-clock opening on one weekday in the location's zone. <see cref="End"/> of midnight means "until the end of the day".
/// </summary>
public sealed record OpeningInterval(DayOfWeek Day, TimeOnly Start, TimeOnly End)
{
    public TimeSpan StartOffset => Start.ToTimeSpan();
    public TimeSpan EndOffset => End == TimeOnly.MinValue ? TimeSpan.FromDays(1) : End.ToTimeSpan();

    public bool IsValid => EndOffset > StartOffset;
}
