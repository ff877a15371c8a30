using System.Text.Json;
using System.Text.Json.Serialization;

namespace BookingPortal.Infrastructure.Calendars.Sync.Google;

// The Calendar v3 resources as far as this product reads and writes them. Null members are left out of request
// bodies, which is what makes a PATCH change only the fields it names.

internal sealed record GoogleCalendar(string Id, string? Summary, string? TimeZone);

internal sealed record GoogleEventTime(DateTimeOffset? DateTime, DateOnly? Date, string? TimeZone);

internal sealed record GoogleAttendee(string? Email, string? DisplayName, bool? Self = null, string? ResponseStatus = null);

internal sealed record GooglePerson(string? Email, string? DisplayName);

internal sealed record GoogleExtendedProperties(Dictionary<string, string>? Private);

internal sealed record GoogleEvent
{
    public string? Id { get; init; }
    public string? Etag { get; init; }
    public string? Status { get; init; }
    public string? Summary { get; init; }
    public string? Location { get; init; }
    public string? Transparency { get; init; }
    public GoogleEventTime? Start { get; init; }
    public GoogleEventTime? End { get; init; }
    public GooglePerson? Organizer { get; init; }
    public IReadOnlyList<GoogleAttendee>? Attendees { get; init; }
    public GoogleExtendedProperties? ExtendedProperties { get; init; }
}

internal sealed record GoogleEventList(IReadOnlyList<GoogleEvent>? Items, string? NextPageToken, string? NextSyncToken, string? TimeZone);

internal sealed record GoogleChannel
{
    public required string Id { get; init; }
    public string? Type { get; init; }
    public string? Address { get; init; }
    public string? Token { get; init; }
    public Dictionary<string, string>? Params { get; init; }
    public string? ResourceId { get; init; }

    /// <summary>Milliseconds since the epoch; Google writes int64 values as JSON strings.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? Expiration { get; init; }
}

internal sealed record GoogleChannelStop(string Id, string ResourceId);

internal sealed record GoogleErrorItem(string? Domain, string? Reason, string? Message);

internal sealed record GoogleError(int Code, string? Message, IReadOnlyList<GoogleErrorItem>? Errors);

internal sealed record GoogleErrorBody(GoogleError? Error);

internal static class GoogleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
