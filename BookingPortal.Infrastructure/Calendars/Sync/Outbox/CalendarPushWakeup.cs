using BookingPortal.Infrastructure.Scheduling;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BookingPortal.Infrastructure.Calendars.Sync.Outbox;

/// <summary>
/// Fires the clustered push job as soon as the outbox gets a row (its trigger's NOTIFY, heard by this instance's
/// listener) instead of at the next sweep, so a booking reaches the outside calendar within a second or two.
/// </summary>
public sealed class CalendarPushWakeup(IServiceProvider services, ILogger<CalendarPushWakeup> logger) : JobWakeup(services, logger, JobKey)
{
    public static readonly JobKey JobKey = new("calendar-push");
}
