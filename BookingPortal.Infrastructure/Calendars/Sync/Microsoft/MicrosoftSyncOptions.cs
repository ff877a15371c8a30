namespace BookingPortal.Infrastructure.Calendars.Sync.Microsoft;

/// <summary>
/// The <c>Sync:Microsoft</c> configuration section: an Entra app registration with the application permission
/// <c>Calendars.ReadWrite</c>, signed in by the client-credentials grant.
/// </summary>
public sealed class MicrosoftSyncOptions
{
    public const string Section = "Sync:Microsoft";

    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>The sign-in host; Azure.Identity takes only https, so a loopback fake runs on https too.</summary>
    public Uri Authority { get; set; } = new("https://login.microsoftonline.com/");

    public Uri GraphBaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0");

    /// <summary>
    /// Events asked for per delta page (<c>Prefer: odata.maxpagesize</c>); Graph's own default is 10, which makes a full
    /// read of a busy room many round trips.
    /// </summary>
    public int PullPageSize { get; set; } = 50;

    /// <summary>
    /// How long one Graph or sign-in request may take before it counts as a transient failure. Well under the
    /// HttpClient default of 100 s, so one hung calendar does not hold a delivery worker for long.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The lifetime asked for a new or renewed subscription: three days, well inside Graph's 10,080-minute limit for
    /// events, so a renewal at half of it has a day and a half to succeed.
    /// </summary>
    public TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromDays(3);

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
