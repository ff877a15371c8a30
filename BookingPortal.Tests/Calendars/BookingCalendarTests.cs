using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Calendars;
using Ical.Net;

namespace BookingPortal.Tests.Calendars;

/// <summary>The Ical.Net mapping on its own, for inputs the HTTP tests do not reach.</summary>
public class BookingCalendarTests
{
    private static BookingEntry Entry(string zone, DateTimeOffset start) => new(Guid.NewGuid(), null, null, "Far ahead", false, start, start.AddHours(1),
        BookingStatus.Confirmed, 1, start.AddDays(-1), start.AddDays(-1), "Room, Ground, HQ", zone, "owner@example.test");

    [Theory]
    [InlineData("Etc/UTC")]
    [InlineData("Asia/Tokyo")]
    [InlineData("America/Sao_Paulo")]
    [InlineData("Europe/Berlin")]
    public void A_booking_years_ahead_in_a_zone_with_or_without_daylight_saving_keeps_its_instant(string zone)
    {
        var start = new DateTimeOffset(2031, 7, 15, 8, 30, 0, TimeSpan.Zero);
        var entry = Entry(zone, start);

        var text = BookingCalendar.Serialize(BookingCalendar.Feed("Test", [entry], [], new Dictionary<Guid, SeriesEntry>(), null));

        var parsed = Calendar.Load(text)!;
        var e = Assert.Single(parsed.Events);
        Assert.Equal(start.UtcDateTime, e.DtStart!.AsUtc);
        Assert.Equal(zone, Assert.Single(parsed.TimeZones).TzId);
    }
}
