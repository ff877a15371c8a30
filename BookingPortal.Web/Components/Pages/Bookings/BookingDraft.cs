using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Web.Components.Shared;

namespace BookingPortal.Web.Components.Pages.Bookings;

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

    public bool IsChange => BookingId is not null;

    /// <summary>The requested range in UTC: the wall-clock start in the location's zone, lasting the chosen minutes.</summary>
    public TimeRange RangeIn(Location location) => location.Range(Day, Start, DurationMinutes);

    public void MoveTo(Location location, DateTimeOffset start, DateTimeOffset end)
    {
        var local = location.ToLocal(start);
        Day = DateOnly.FromDateTime(local.DateTime);
        Start = TimeOnly.FromDateTime(local.DateTime);
        DurationMinutes = (int)Math.Round((end - start).TotalMinutes);
    }
}
