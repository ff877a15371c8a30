using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingPortal.Infrastructure.Calendars.Sync.Microsoft;

public static class MicrosoftSyncSetup
{
    /// <summary>
    /// The named HttpClient both the sign-in and Graph go through. Its primary handler is the one seam for a different
    /// transport (a test trusting a fake's certificate); production trusts certificates the usual way.
    /// </summary>
    public const string HttpClientName = "BookingPortal.Sync.Microsoft";

    /// <summary>Registers the Microsoft 365 provider as an <see cref="ICalendarProvider"/>, configured from <c>Sync:Microsoft</c>.</summary>
    public static IServiceCollection AddMicrosoftCalendarSync(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MicrosoftSyncOptions>()
            .Bind(configuration.GetSection(MicrosoftSyncOptions.Section))
            .Validate(o => o.Authority is { IsAbsoluteUri: true, Scheme: "https" },
                "Sync:Microsoft:Authority must be an absolute https address: Azure.Identity signs in over nothing else.")
            .Validate(o => o.GraphBaseUrl is { IsAbsoluteUri: true, Scheme: "https" or "http" },
                "Sync:Microsoft:GraphBaseUrl must be an absolute http(s) address.")
            .Validate(o => o.PullPageSize > 0 && o.RequestTimeout > TimeSpan.Zero,
                "Sync:Microsoft:PullPageSize and RequestTimeout must be positive.")
            .Validate(o => o.SubscriptionLifetime > TimeSpan.Zero && o.SubscriptionLifetime <= TimeSpan.FromMinutes(10_080),
                "Sync:Microsoft:SubscriptionLifetime must be positive and at most 10,080 minutes, Graph's limit for events.")
            .ValidateOnStart();
        services.AddHttpClient(HttpClientName)
            // Kiota's redirect handler follows redirects itself, keeping the token off hosts it does not allow.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The provider keeps its handlers for its lifetime (the token cache lives with them); DNS changes are
            // picked up by the pooled connection lifetime instead of handler rotation.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders(_ => true);
        services.AddSingleton<MicrosoftCalendarProvider>();
        services.AddSingleton<ICalendarProvider>(sp => sp.GetRequiredService<MicrosoftCalendarProvider>());
        return services;
    }
}
