namespace BookingPortal.Infrastructure.Calendars.Sync;

/// <summary>The providers this instance can talk to, by the name links store ("microsoft", "google").</summary>
public sealed class CalendarProviders(IEnumerable<ICalendarProvider> providers)
{
    // A provider registered later for the same name (a test's, a replacement) wins unless only the earlier is configured.
    private readonly Dictionary<string, ICalendarProvider> _byName = providers
        .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.LastOrDefault(p => p.IsConfigured) ?? g.Last(), StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> KnownNames { get; } = ["microsoft", "google"];

    /// <summary>The provider, or why there is none to use, in words for an admin.</summary>
    public ICalendarProvider? Find(string name, out string? missing)
    {
        if (_byName.TryGetValue(name, out var provider) && provider.IsConfigured)
        {
            missing = null;
            return provider;
        }

        missing = $"{Describe(name)} sync is not configured on this server: set {ConfigurationHint(name)}.";
        return null;
    }

    public static string Describe(string name) =>
        name.Equals("microsoft", StringComparison.OrdinalIgnoreCase) ? "Microsoft 365" : "Google Calendar";

    private static string ConfigurationHint(string name) =>
        name.Equals("microsoft", StringComparison.OrdinalIgnoreCase)
            ? "Sync:Microsoft:TenantId, ClientId and ClientSecret"
            : "Sync:Google:ServiceAccountKeyFile and ImpersonateUser";
}
