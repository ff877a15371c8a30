using BookingPortal.Infrastructure.Calendars.Sync.Google;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using BookingPortal.Infrastructure.Calendars.Sync.Outbox;
using BookingPortal.Infrastructure.Calendars.Sync.Pull;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Infrastructure.Calendars.Sync;

public static class CalendarSyncSetup
{
    /// <summary>
    /// Calendar sync: links, the outbox and its push, the pull, and the providers (each an <see cref="ICalendarProvider"/>,
    /// used once its <c>Sync:{Provider}</c> settings are given; without them a link is refused with the settings it needs).
    /// </summary>
    public static IServiceCollection AddCalendarSync(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SyncOptions>().Bind(configuration.GetSection(SyncOptions.Section))
            .Validate(o => o.PushConcurrency is >= 1 and <= 64, "Sync:PushConcurrency must be between 1 and 64.")
            .Validate(o => o.PushPassLimit >= TimeSpan.FromSeconds(5), "Sync:PushPassLimit must be at least five seconds.")
            .Validate(o => o.PollSeconds is >= 1 and <= 86_400, "Sync:PollSeconds must be between 1 and 86400.")
            .Validate(o => o.ReconcileSeconds is >= 1 and <= 86_400, "Sync:ReconcileSeconds must be between 1 and 86400.")
            .Validate(o => o.PublicBaseUrl is null || (o.PublicBaseUrl.IsAbsoluteUri && o.PublicBaseUrl.Scheme is "https" or "http"),
                "Sync:PublicBaseUrl must be an absolute http(s) address.")
            .ValidateOnStart();
        services.AddGoogleCalendarSync(configuration);
        services.AddMicrosoftCalendarSync(configuration);
        services.AddSingleton<CalendarProviders>();
        services.AddSingleton<CalendarLinks>();
        services.AddSingleton<CalendarPush>();
        services.AddSingleton<CalendarPull>();
        services.AddSingleton<CalendarSubscriptions>();
        services.AddSingleton<CalendarPullWakeup>();
        return services;
    }
}
