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

        var text = BookingCalendar.FeedText("Test", [entry], [], new Dictionary<Guid, SeriesEntry>(), null, (_, build) => build());

        var parsed = Calendar.Load(text)!;
        var e = Assert.Single(parsed.Events);
        Assert.Equal(start.UtcDateTime, e.DtStart!.AsUtc);
        Assert.Equal(zone, Assert.Single(parsed.TimeZones).TzId);
    }

    [Fact]
    public void A_feed_put_together_from_kept_parts_is_the_feed_built_afresh_and_rebuilds_only_what_changed()
    {
        var start = new DateTimeOffset(2027, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var entries = Enumerable.Range(0, 20).Select(i => Entry("Europe/Berlin", start.AddHours(i))).ToList();
        var kept = new Dictionary<string, string>();
        var built = 0;
        string Keep(string key, Func<string> build)
        {
            if (!kept.TryGetValue(key, out var text))
            {
                built++;
                kept[key] = text = build();
            }

            return text;
        }

        string Feed(IReadOnlyCollection<BookingEntry> bookings, Func<string, Func<string>, string> part) =>
            BookingCalendar.FeedText("Test", bookings, [], new Dictionary<Guid, SeriesEntry>(), null, part);

        var first = Feed(entries, Keep);
        entries[7] = entries[7] with { Title = "Renamed", Revision = 2 };
        built = 0;
        var second = Feed(entries, Keep);

        Assert.Equal(1, built);
        Assert.Equal(Feed(entries, (_, build) => build()), second);
        Assert.NotEqual(first, second);
        var parsed = Calendar.Load(second)!;
        Assert.Equal(20, parsed.Events.Count);
        Assert.Equal("Renamed", parsed.Events.Single(e => e.Uid == $"{entries[7].BookingId}@bookingportal").Summary);
        Assert.Single(parsed.TimeZones);
    }
}
