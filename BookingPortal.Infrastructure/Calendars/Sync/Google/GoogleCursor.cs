using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace BookingPortal.Infrastructure.Calendars.Sync.Google;

/// <summary>
/// What a pull cursor stands for: the next page of a full read of a window (which later pages must repeat), the next
/// page of an incremental read, or the sync token to start the next incremental read from. Kept as versioned,
/// base64url JSON so callers store one opaque string.
/// </summary>
internal sealed record GoogleCursor(string? SyncToken, string? PageToken, DateTimeOffset? TimeMin, DateTimeOffset? TimeMax)
{
    private const string Prefix = "g1.";

    public static GoogleCursor FullRead(DateTimeOffset timeMin, DateTimeOffset timeMax) => new(null, null, timeMin, timeMax);

    public static GoogleCursor Incremental(string syncToken) => new(syncToken, null, null, null);

    public string Format() => Prefix + WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(this, GoogleJson.Options));

    /// <summary>A cursor this version cannot read (another provider's, a corrupted one) means starting over, as a 410 does.</summary>
    public static GoogleCursor Parse(string cursor)
    {
        GoogleCursor? parsed = null;
        if (cursor.StartsWith(Prefix, StringComparison.Ordinal))
        {
            try
            {
                parsed = JsonSerializer.Deserialize<GoogleCursor>(WebEncoders.Base64UrlDecode(cursor, Prefix.Length, cursor.Length - Prefix.Length),
                    GoogleJson.Options);
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                parsed = null;
            }
        }

        return parsed is { SyncToken: not null } or { TimeMin: not null, TimeMax: not null }
            ? parsed
            : throw new CalendarSyncException(CalendarSyncFailure.CursorExpired, "The stored Google sync position cannot be read; a full read is needed.");
    }
}
