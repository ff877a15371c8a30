namespace BookingPortal.Infrastructure.Calendars.Sync.Google;

/// <summary>The <c>Sync:Google</c> configuration section: a Workspace service account with domain-wide delegation.</summary>
public sealed class GoogleSyncOptions
{
    public const string Section = "Sync:Google";

    /// <summary>The service account's JSON key file; without it Google sync is off.</summary>
    public string? ServiceAccountKeyFile { get; set; }

    /// <summary>The Workspace user the service account acts as (domain-wide delegation); it must be able to edit the room calendars.</summary>
    public string? ImpersonateUser { get; set; }

    /// <summary>The OAuth token endpoint. Set, it wins over the key file's <c>token_uri</c> (a fake's loopback address in tests).</summary>
    public string? TokenUrl { get; set; }

    public string ApiBaseUrl { get; set; } = "https://www.googleapis.com/calendar/v3/";

    /// <summary>One call's limit: a calendar that does not answer must not hold up the outbox for long.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>maxResults</c> of a pull page (Google allows up to 2,500).</summary>
    public int PageSize { get; set; } = 250;

    /// <summary>Asked-for lifetime of a watch channel; Google may give less and says so in the channel's expiration.</summary>
    public TimeSpan ChannelTtl { get; set; } = TimeSpan.FromDays(7);

    internal const string DefaultTokenUrl = "https://oauth2.googleapis.com/token";
}
