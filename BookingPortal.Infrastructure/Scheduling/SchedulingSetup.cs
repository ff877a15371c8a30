using BookingPortal.Infrastructure.Calendars.Invitations;
using BookingPortal.Infrastructure.Calendars.Sync.Outbox;
using BookingPortal.Infrastructure.Calendars.Sync.Pull;
using BookingPortal.Infrastructure.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;

namespace BookingPortal.Infrastructure.Scheduling;

public static class SchedulingSetup
{
    /// <summary>
    /// Also the cluster's name in Quartz's tables. A named scheduler keeps the clock it is given to itself, where the
    /// default one would share the container's <see cref="TimeProvider"/> (which tests replace).
    /// </summary>
    public const string SchedulerName = "BookingPortal";

    /// <summary>
    /// The sweeps, the notification inbox and outbox, the calendar invitation outbox, and (with <c>Scheduling:Enabled</c>) a
    /// Quartz scheduler that runs them from its ADO job store in the app's PostgreSQL database, clustered with every other
    /// instance (ADR 008).
    /// </summary>
    public static IServiceCollection AddBookingScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SchedulingOptions.Section);
        services.AddOptions<SchedulingOptions>().Bind(section)
            .Validate(o => new[] { o.PromotionInterval, o.NoShowInterval, o.CompletionInterval, o.ExpiryInterval, o.EmailInterval, o.ReportUsageInterval, o.LiveEventPruneInterval, o.CalendarPushInterval, o.CalendarPullInterval,
                    o.ClusterCheckinInterval, o.ClusterCheckinMisfireThreshold }.All(t => t >= TimeSpan.FromSeconds(1)),
                "Scheduling intervals must be at least one second.")
            .Validate(o => o.DefaultNoShowGracePeriod >= TimeSpan.Zero && o.DefaultNoShowGracePeriod <= TimeSpan.FromHours(4),
                "Scheduling:DefaultNoShowGracePeriod must be between 0 and 4 hours.")
            .ValidateOnStart();
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddSingleton<BookingSweeps>();
        services.AddSingleton<NotificationInbox>();
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<InvitationOutbox>();

        var options = section.Get<SchedulingOptions>() ?? new SchedulingOptions();
        if (!options.Enabled)
        {
            return services;
        }

        services.AddQuartz(SchedulerName, quartz =>
        {
            // Firing follows the real clock; the jobs read the app's TimeProvider for what is due.
            quartz.UseTimeProvider(TimeProvider.System);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(source => source.DataSourceFactory = provider => provider.GetRequiredService<NpgsqlDataSource>());
                store.UseSystemTextJsonSerializer();
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = options.ClusterCheckinInterval;
                    cluster.CheckinMisfireThreshold = options.ClusterCheckinMisfireThreshold;
                });
                // Creates the QRTZ_ tables when missing; instances racing to do it are fine (ADR 008).
                store.ProvisionSchema();
            });

            Every<PromotionSweepJob>(quartz, "wait-list-promotion", options.PromotionInterval);
            Every<NoShowReleaseJob>(quartz, "no-show-release", options.NoShowInterval);
            Every<CompletionJob>(quartz, "completion", options.CompletionInterval);
            Every<ExpiryJob>(quartz, "expiry", options.ExpiryInterval);
            Every<EmailDeliveryJob>(quartz, "email-delivery", options.EmailInterval);
            Every<ReportUsageJob>(quartz, "report-usage", options.ReportUsageInterval);
            Every<LiveEventPruneJob>(quartz, "live-event-prune", options.LiveEventPruneInterval);
            Every<CalendarPushJob>(quartz, CalendarPushWakeup.JobKey.Name, options.CalendarPushInterval);
            Every<CalendarPullJob>(quartz, CalendarPullWakeup.JobKey.Name, options.CalendarPullInterval);
        });
        services.AddQuartzHostedService(SchedulerName, hosted => hosted.WaitForJobsToComplete = true);
        return services;
    }

    private static void Every<TJob>(IQuartzBuilder quartz, string name, TimeSpan interval) where TJob : IJob =>
        quartz.ScheduleJob<TJob>(
            trigger => trigger.WithIdentity(name).StartNow().WithSimpleSchedule(interval),
            job => job.WithIdentity(name));
}
