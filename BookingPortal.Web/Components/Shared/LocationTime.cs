using System.Globalization;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Catalog;

namespace BookingPortal.Web.Components.Shared;

/// <summary>Wall-clock display and input in a location's time zone, which is what every screen shows.</summary>
internal static class LocationTime
{
    public static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>
    /// For the scheduler's own titles and headers: weeks start on Monday (ISO 8601) and dates read "1 Mar 2027", never
    /// the month-first invariant short date.
    /// </summary>
    public static readonly CultureInfo CalendarCulture = CreateCalendarCulture();

    /// <summary>
    /// The catalog's view carries everything the domain's wall-clock rules need. Rebuilding the location from it keeps
    /// one implementation of zone conversion, DST gaps and opening hours: the domain's.
    /// </summary>
    public static Location ToLocation(this LocationView view)
    {
        var location = new Location(view.Id, view.Name, view.TimeZone, view.OpeningHours);
        location.SetClosures(view.Closures);
        location.SetNoShowGracePeriod(TimeSpan.FromMinutes(view.NoShowGraceMinutes));
        return location;
    }

    /// <summary>The instant as the location's wall clock (kind unspecified), as the scheduler and pickers want it.</summary>
    public static DateTime Clock(this Location location, DateTimeOffset instant) => location.ToLocal(instant).DateTime;

    public static DateTimeOffset Instant(this Location location, DateTime clock) =>
        location.ToUtc(DateOnly.FromDateTime(clock), TimeOnly.FromDateTime(clock));

    public static DateTimeOffset Instant(this Location location, DateOnly day, TimeOnly time) => location.ToUtc(day, time);

    /// <summary>A wall-clock start on a local day, lasting the given minutes (at least one).</summary>
    public static TimeRange Range(this Location location, DateOnly day, TimeOnly start, int minutes)
    {
        var from = location.ToUtc(day, start);
        return new TimeRange(from, from.AddMinutes(Math.Max(1, minutes)));
    }

    public static DateOnly Today(this Location location, DateTimeOffset now) => DateOnly.FromDateTime(location.Clock(now));

    /// <summary>"Europe/Berlin, UTC+01:00": the zone's name and its offset at that moment, DST included.</summary>
    public static string ZoneCaption(this Location location, DateTimeOffset at)
    {
        var offset = location.TimeZone.GetUtcOffset(at);
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return $"{location.TimeZoneId}, UTC{sign}{offset.Duration():hh\\:mm}";
    }

    private static CultureInfo CreateCalendarCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.DateTimeFormat.FirstDayOfWeek = DayOfWeek.Monday;
        culture.DateTimeFormat.ShortDatePattern = "d MMM yyyy";
        culture.DateTimeFormat.ShortTimePattern = "HH:mm";
        return CultureInfo.ReadOnly(culture);
    }

    /// <summary>"Tue 3 Mar 2026, 10:00–11:00", in the location's zone.</summary>
    public static string Describe(this Location location, DateTimeOffset start, DateTimeOffset end)
    {
        var from = location.Clock(start);
        var to = location.Clock(end);
        return from.Date == to.Date || (to.TimeOfDay == TimeSpan.Zero && to.Date == from.Date.AddDays(1))
            ? $"{from.ToString("ddd d MMM yyyy, HH:mm", Culture)}–{to.ToString("HH:mm", Culture)}"
            : $"{from.ToString("ddd d MMM yyyy, HH:mm", Culture)} – {to.ToString("ddd d MMM yyyy, HH:mm", Culture)}";
    }

    public static string Describe(this Location location, TimeRange range) => location.Describe(range.Start, range.End);

    public static string Hours(this Location location, DateTimeOffset start, DateTimeOffset end) =>
        $"{location.Clock(start).ToString("HH:mm", Culture)}–{location.Clock(end).ToString("HH:mm", Culture)}";
}
