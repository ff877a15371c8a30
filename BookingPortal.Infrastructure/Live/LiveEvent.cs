using System.Text.Json;
using System.Text.Json.Serialization;

namespace BookingPortal.Infrastructure.Live;

/// <summary>
/// One committed change, as announced by the database triggers of migration 0003: what kind, which row, whose, and
/// which resources and locations it touches so that each screen can tell whether it cares.
/// </summary>
public sealed record LiveEvent(
    string Type,
    Guid Id,
    string? UserId,
    IReadOnlyList<Guid> ResourceIds,
    IReadOnlyList<Guid> LocationIds)
{
    /// <summary>
    /// Sent when this instance may have missed changes (its listener reconnected): every subscriber reloads its state.
    /// </summary>
    public const string ResyncType = "resync";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static LiveEvent Resync { get; } = new(ResyncType, Guid.Empty, null, [], []);

    /// <summary>
    /// The change's position in the live-event log (migration 0016), increasing in commit order; null for a resync and
    /// for announcements that are not logged (notifications, display links).
    /// </summary>
    public long? EventId { get; init; }

    public bool IsResync => Type == ResyncType;

    public bool IsBookingChange => Type.StartsWith("booking.", StringComparison.Ordinal);

    /// <summary>Whether a screen about <paramref name="locationId"/> should react (a resync concerns everyone).</summary>
    public bool Concerns(Guid locationId) => IsResync || LocationIds.Contains(locationId);

    public static LiveEvent? Parse(string payload)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<LiveEvent>(payload, Json);
            return parsed is { Type.Length: > 0 } ? parsed with { ResourceIds = parsed.ResourceIds ?? [], LocationIds = parsed.LocationIds ?? [] } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
