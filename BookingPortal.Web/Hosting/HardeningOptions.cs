namespace BookingPortal.Web.Hosting;

/// <summary>The <c>RateLimiting</c> configuration section.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Load tests switch this off so they measure the app, not the limiter.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Per signed-in user (anonymous callers count per IP). 60 per 10 s lets one user fire the 50 concurrent writes
    /// the booking race test needs, while a runaway script is stopped within seconds.
    /// </summary>
    public WindowLimit PerUser { get; set; } = new() { PermitLimit = 60, WindowSeconds = 10 };

    /// <summary>Per client address; higher than per user because an office NAT puts many users behind one IP.</summary>
    public WindowLimit PerIp { get; set; } = new() { PermitLimit = 300, WindowSeconds = 10 };

    /// <summary>
    /// Reads of one calendar feed, per subscription link (or per user with a bearer token). Calendar apps poll every few
    /// minutes at most; 30 per 10 minutes leaves room for several devices on one link and stops a leaked link being scraped.
    /// </summary>
    public WindowLimit Feeds { get; set; } = new() { PermitLimit = 30, WindowSeconds = 600 };

    /// <summary>
    /// Sign-in and token refresh attempts per client address. Lockout stops guessing one account's password; this stops
    /// one address trying a password on many accounts, while an office behind one NAT still signs in at nine.
    /// </summary>
    public WindowLimit SignIn { get; set; } = new() { PermitLimit = 30, WindowSeconds = 60 };
}

public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; }

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}

/// <summary>The <c>Limits</c> configuration section.</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Limits";

    /// <summary>No API body comes near this; the cap keeps a hostile client from tying up memory and JSON parsing.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}
