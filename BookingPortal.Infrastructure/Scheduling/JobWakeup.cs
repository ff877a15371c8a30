using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BookingPortal.Infrastructure.Scheduling;

/// <summary>
/// Fires a clustered job at once instead of at its next periodic run. Requests within <see cref="Debounce"/> of a
/// firing are folded into one more firing after it, so a burst of requests costs a few job runs, not one per request.
/// Without a scheduler in this instance (<c>Scheduling:Enabled=false</c>) it does nothing and the periodic run of
/// another instance does the work.
/// </summary>
public abstract class JobWakeup(IServiceProvider services, ILogger logger, JobKey job)
{
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

    protected ILogger Logger => logger;

    protected async Task<IScheduler?> RunningSchedulerAsync() =>
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
                await scheduler.TriggerJob(job);
            }
        }
        catch (Exception e)
        {
            // The periodic run does the work anyway; a lost wake-up only costs latency.
            logger.LogWarning(e, "Could not start job {Job} at once; its next periodic run will do the work", job);
        }
    }
}
