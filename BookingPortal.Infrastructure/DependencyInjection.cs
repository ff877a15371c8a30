using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Calendars.Feeds;
using BookingPortal.Infrastructure.Calendars.Sync.Outbox;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Displays;
using BookingPortal.Infrastructure.Floorplan;
using BookingPortal.Infrastructure.Live;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingPortal.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddBookingInfrastructure(this IServiceCollection services, string connectionString)
    {
        services.TryAddSingleton(TimeProvider.System);
        var dataSource = BookingDataSource.Create(connectionString);
        services.AddSingleton(dataSource);
        // A refused insert is how the engine learns of a conflict (a 409, ADR 003), and an outage is answered 503 and
        // logged where it is handled; EF logging each at Error buried real errors (2,257 lines in one chaos run).
        services.AddPooledDbContextFactory<BookingDbContext>(options => options.UseNpgsql(dataSource)
            .ConfigureWarnings(w => w.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug))));
        // Identity's stores want a scoped context; it comes from the same pool.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<BookingDbContext>>().CreateDbContext());
        services.AddMemoryCache();
        services.AddSingleton<ResourceSnapshots>();
        services.AddSingleton<BookingEngine>();
        services.AddSingleton<BookingQueries>();
        services.AddSingleton<StaffBookingQueries>();
        services.AddSingleton<ResourceCatalog>();
        services.AddSingleton<RoomFinder>();
        services.AddSingleton<ResourceAdministration>();
        services.AddSingleton<LocationAdministration>();
        services.AddSingleton<MaintenanceAdministration>();
        services.AddSingleton<ApprovalQueue>();
        services.AddSingleton<BookingAudit>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<OperatorAssignments>();
        services.AddSingleton<LiveUpdates>();
        services.AddSingleton<LiveEventPayloads>();
        services.AddOptions<LiveEventOptions>().BindConfiguration(LiveEventOptions.Section)
            .Validate(o => o.ReplayWindow > TimeSpan.Zero && o.ReplayMaxEvents > 0,
                "LiveEvents:ReplayWindow and LiveEvents:ReplayMaxEvents must be positive.")
            .ValidateOnStart();
        services.AddSingleton<LiveEventLog>();
        services.AddSingleton<FloorplanQueries>();
        services.AddSingleton<FloorplanEditing>();
        services.AddSingleton<DisplayLinks>();
        services.AddSingleton<CalendarFeeds>();
        services.AddSingleton<CalendarFeedLinks>();
        services.AddSingleton<ReportUsage>();
        services.AddSingleton<UtilizationReport>();
        services.AddSingleton<OccupancyHeatmap>();
        services.AddSingleton<AttendanceReport>();
        services.AddSingleton<RightSizingReport>();
        services.AddSingleton<DemandReport>();
        services.AddSingleton<DemandLog>();
        services.AddSingleton<WeeklyTrend>();
        services.AddSingleton<BookingFacts>();
        services.AddSingleton<CalendarPushWakeup>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresChangeListener>(sp, connectionString));
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeListener>());
        return services;
    }
}
