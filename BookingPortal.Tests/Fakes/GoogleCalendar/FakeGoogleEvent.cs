using System.Text.Json.Nodes;

namespace BookingPortal.Tests.Fakes.GoogleCalendar;

/// <summary>What the fake holds for one event, read back from its stored JSON for a test's assertions.</summary>
public sealed record FakeGoogleEvent(
    string Id,
    string Status,
    string? Summary,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string? TimeZone,
    string? OrganizerEmail,
    IReadOnlyList<string> AttendeeEmails,
    IReadOnlyDictionary<string, string> PrivateProperties,
    string? Transparency)
{
    internal static FakeGoogleEvent From(JsonObject e) => new(
        (string)e["id"]!,
        (string?)e["status"] ?? "confirmed",
        (string?)e["summary"],
        FakeGoogleTimes.Instant(e["start"]),
        FakeGoogleTimes.Instant(e["end"]),
        (string?)e["start"]?["timeZone"],
        (string?)e["organizer"]?["email"],
        e["attendees"]?.AsArray().Select(a => (string?)a?["email"]).OfType<string>().ToList() ?? [],
        e["extendedProperties"]?["private"]?.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value ?? "") ?? [],
        (string?)e["transparency"]);
}

internal static class FakeGoogleTimes
{
    /// <summary>A <c>start</c>/<c>end</c> object's instant; an all-day <c>date</c> counts from UTC midnight, which is all the fake needs.</summary>
    public static DateTimeOffset? Instant(JsonNode? time) =>
        (string?)time?["dateTime"] is { } at ? DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)
        : (string?)time?["date"] is { } day ? new DateTimeOffset(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
        : null;

    public static JsonObject At(DateTimeOffset at, string? timeZone = null) => timeZone is null
        ? new JsonObject { ["dateTime"] = Rfc3339(at) }
        : new JsonObject { ["dateTime"] = Rfc3339(at), ["timeZone"] = timeZone };

    public static string Rfc3339(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
