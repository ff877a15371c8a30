using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingPortal.Infrastructure.Calendars.Sync.Google;

public static class GoogleSyncSetup
{
    /// <summary>
    /// <see cref="GoogleCalendarProvider"/> as an <see cref="ICalendarProvider"/> (one singleton: it holds the token
    /// and the HTTP connections), configured from <c>Sync:Google</c>. Without a key file it is registered but not configured.
    /// </summary>
    public static IServiceCollection AddGoogleCalendarSync(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GoogleSyncOptions>().Bind(configuration.GetSection(GoogleSyncOptions.Section))
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _), "Sync:Google:ApiBaseUrl must be an absolute URL.")
            .Validate(o => o.TokenUrl is null || Uri.TryCreate(o.TokenUrl, UriKind.Absolute, out _), "Sync:Google:TokenUrl must be an absolute URL.")
            .Validate(o => o.PageSize is >= 1 and <= 2500, "Sync:Google:PageSize must be between 1 and 2500.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero && o.ChannelTtl >= TimeSpan.FromMinutes(1),
                "Sync:Google:RequestTimeout must be positive and Sync:Google:ChannelTtl at least a minute.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GoogleCalendarProvider>();
        services.AddSingleton<ICalendarProvider>(sp => sp.GetRequiredService<GoogleCalendarProvider>());
        return services;
    }
}
