namespace BookingPortal.Infrastructure.Calendars.Sync;

/// <summary>The <c>Sync</c> configuration section beside the providers' own (<c>Sync:Microsoft</c>, <c>Sync:Google</c>).</summary>
public sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>How many calendars one push pass talks to at once; the rows of one calendar always go in order.</summary>
    public int PushConcurrency { get; set; } = 4;

    /// <summary>A pass ends after this long and the next one carries on, so other jobs and a shutdown are not held up.</summary>
    public TimeSpan PushPassLimit { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often each linked calendar without a working webhook is read for outside changes (SPEC §6).</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>
    /// How often a calendar whose webhook works is read anyway: a notification can be lost on its way, and the
    /// reconciling pull is what bounds how long such a loss can leave a room unheld.
    /// </summary>
    public int ReconcileSeconds { get; set; } = 300;

    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollSeconds);

    public TimeSpan ReconcileInterval => TimeSpan.FromSeconds(ReconcileSeconds);

    /// <summary>
    /// Where Graph and Google reach this app (<c>{PublicBaseUrl}/api/sync/{provider}/notifications</c>); unset, linked
    /// calendars are only polled, since a subscription nobody can deliver to is worse than none.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    public Uri? NotificationUrl(string provider) =>
        PublicBaseUrl is null ? null : new Uri(new Uri(PublicBaseUrl.AbsoluteUri.TrimEnd('/') + "/"), $"api/sync/{provider}/notifications");
}
