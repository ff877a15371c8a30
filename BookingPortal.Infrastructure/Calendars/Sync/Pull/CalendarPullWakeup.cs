using BookingPortal.Infrastructure.Scheduling;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BookingPortal.Infrastructure.Calendars.Sync.Pull;

/// <summary>Fires the clustered pull job as soon as a webhook says a calendar changed, instead of at its next sweep.</summary>
public sealed class CalendarPullWakeup(IServiceProvider services, ILogger<CalendarPullWakeup> logger) : JobWakeup(services, logger, JobKey)
{
    public static readonly JobKey JobKey = new("calendar-pull");
}
