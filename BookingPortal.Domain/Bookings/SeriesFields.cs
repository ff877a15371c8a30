namespace BookingPortal.Domain.Bookings;

/// <summary>
/// What a series member can carry of its own, apart from the series: an occurrence edited on its own keeps these
/// through later edits of "this and following", and gives them up only to a change of the whole series.
/// </summary>
[Flags]
public enum SeriesFields
{
    None = 0,
    Time = 1,
    Resources = 2,
    Title = 4,
    AttendeeCount = 8,
}
