using BookingPortal.Infrastructure.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BookingPortal.Infrastructure.Calendars.Sync.Outbox;

/// <summary>
/// Fires the clustered push job as soon as the outbox gets a row (its trigger's NOTIFY, heard by this instance's
/// listener) instead of at the next sweep. Requests within <see cref="Debounce"/> of a firing are folded into one more
/// firing after it, so a burst of bookings costs a few job runs, not one per booking. Without a scheduler in this
/// instance (<c>Scheduling:Enabled=false</c>) it does nothing and the sweep of another instance delivers.
/// </summary>
public sealed class CalendarPushWakeup(IServiceProvider services, ILogger<CalendarPushWakeup> logger)
{
    public static readonly JobKey JobKey = new("calendar-push");

    private static readonly TriggerKey RetryTrigger = new("calendar-push-retry");

    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    private const int Idle = 0;
    private const int Firing = 1;
    private const int FiringAndAskedAgain = 2;

    private int _state;

    public void Request()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == FiringAndAskedAgain)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                if (state == Idle)
                {
                    _ = FireWhileAskedAsync();
                }

                return;
            }
        }
    }

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
            logger.LogWarning(e, "Could not schedule the calendar push retry; the next sweep will deliver");
        }
    }

    private async Task<IScheduler?> RunningSchedulerAsync() =>
        // A named scheduler's factory is a keyed service: the unkeyed lookup finds none and the wake-up would be lost.
        services.GetKeyedService<ISchedulerFactory>(SchedulingSetup.SchedulerName) is { } factory
        && await factory.LookupScheduler(SchedulingSetup.SchedulerName) is { Status: SchedulerStatus.Running } scheduler
            ? scheduler
            : null;

    private async Task FireWhileAskedAsync()
    {
        do
        {
            await FireAsync();
            await Task.Delay(Debounce);
        }
        // Back to idle unless asked again meanwhile; then one more firing covers every request of the window.
        while (Interlocked.CompareExchange(ref _state, Idle, Firing) == FiringAndAskedAgain && Interlocked.Exchange(ref _state, Firing) == FiringAndAskedAgain);
    }

    private async Task FireAsync()
    {
        try
        {
            if (await RunningSchedulerAsync() is { } scheduler)
            {
                await scheduler.TriggerJob(JobKey);
            }
        }
        catch (Exception e)
        {
            // The periodic sweep delivers anyway; a lost wake-up only costs latency.
            logger.LogWarning(e, "Could not start the calendar push at once; the next sweep will deliver");
        }
    }
}
