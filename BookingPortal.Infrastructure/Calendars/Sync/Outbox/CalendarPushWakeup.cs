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

    private static readonly TriggerKey RetryTrigger = new("calendar-push-retry");

    /// <summary>
    /// One more push at <paramref name="due"/>, for rows postponed after a failure: without it their retry waits for the
    /// sweep, however short the provider's Retry-After. One retry trigger exists at a time and only ever moves earlier.
    /// </summary>
    public async Task RequestAtAsync(DateTimeOffset due, CancellationToken ct)
    {
        try
        {
            if (await RunningSchedulerAsync() is not { } scheduler)
            {
                return;
            }

            var trigger = TriggerBuilder.Create().WithIdentity(RetryTrigger).ForJob(JobKey).StartAt(due).Build();
            if (await scheduler.GetTrigger(RetryTrigger, ct) is not { } existing)
            {
                await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), ct);
            }
            else if (existing.NextFireTimeUtc is not { } next || next > due)
            {
                await scheduler.RescheduleJob(RetryTrigger, trigger, ct);
            }
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another instance scheduled the retry between our look and our write: one retry is all that is needed.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Could not schedule the calendar push retry; the next sweep will deliver");
        }
    }
}
