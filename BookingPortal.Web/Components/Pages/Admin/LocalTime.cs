using BookingPortal.Domain.Locations;

namespace BookingPortal.Web.Components.Pages.Admin;

/// <summary>Times on admin screens are the location's wall clock, as the rules are (SPEC §2).</summary>
internal static class LocalTime
{
    public static DateTimeOffset In(DateTimeOffset instant, string timeZoneId) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(timeZoneId));

    public static string Format(DateTimeOffset instant, string timeZoneId) => $"{In(instant, timeZoneId):ddd yyyy-MM-dd HH:mm}";

    public static string Range(DateTimeOffset start, DateTimeOffset end, string timeZoneId)
    {
        var from = In(start, timeZoneId);
        var to = In(end, timeZoneId);
        return from.Date == to.Date ? $"{from:ddd yyyy-MM-dd HH:mm}–{to:HH:mm}" : $"{from:ddd yyyy-MM-dd HH:mm} – {to:ddd yyyy-MM-dd HH:mm}";
    }

    /// <summary>The instant a wall-clock time picked on screen means at the location.</summary>
    public static DateTimeOffset ToUtc(DateTime local, string timeZoneId) =>
        Location.ToUtc(TimeZoneInfo.FindSystemTimeZoneById(timeZoneId), DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
}
