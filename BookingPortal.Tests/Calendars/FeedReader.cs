using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ical.Net;
using Ical.Net.CalendarComponents;

namespace BookingPortal.Tests.Calendars;

/// <summary>Reads feeds the way a calendar app does and parses them with Ical.Net.</summary>
internal static class FeedReader
{
    public static async Task<(Calendar Calendar, string Text, HttpResponseMessage Response)> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        return (Calendar.Load(text) ?? throw new InvalidOperationException("Not a calendar: " + text), text, response);
    }

    public static IReadOnlyList<CalendarEvent> EventsOf(Calendar calendar, Guid id) =>
        calendar.Events.Where(e => e.Uid == $"{id}@bookingportal").ToList();

    public static CalendarEvent Single(Calendar calendar, Guid id) => Assert.Single(EventsOf(calendar, id));

    /// <summary>What a calendar app shows of one event (rule, exclusions and overrides applied): its starts in UTC, in order.</summary>
    public static List<DateTime> ShownStarts(Calendar calendar, Guid id, DateTime from, DateTime until) =>
        calendar.GetOccurrences(new Ical.Net.DataTypes.CalDateTime(from))
            .TakeWhile(o => o.Period.StartTime.Value < until)
            .Where(o => o.Source is CalendarEvent { Uid: var uid } && uid == $"{id}@bookingportal")
            .Select(o => o.Period.StartTime.AsUtc)
            .Order()
            .ToList();

    public static async Task<JsonElement> CreateBookingAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/bookings", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement;
    }
}
