using BookingPortal.Infrastructure.Calendars.Invitations;
using BookingPortal.Infrastructure.Calendars.Sync.Outbox;
using BookingPortal.Infrastructure.Calendars.Sync.Pull;
using BookingPortal.Infrastructure.Live;
using BookingPortal.Infrastructure.Notifications;
using BookingPortal.Infrastructure.Reports;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BookingPortal.Infrastructure.Scheduling;

/// <summary>
/// One pass of a sweep per firing. DisallowConcurrentExecution (inherited by every job here) holds across the cluster:
/// a pass that outlasts its interval is not started again on another instance until it ends. Each pass logs (at Debug)
/// when and on which instance it started and ended, which is how an operator, or the fault tests, can see where the
/// work went after an instance died.
/// </summary>
[DisallowConcurrentExecution]
public abstract class PassJob(ILogger<PassJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var job = context.JobDetail.Key.Name;
        var instance = context.Scheduler.SchedulerInstanceId;
        logger.LogDebug("Pass {Job} started on {Instance}", job, instance);
        try
        {
            await RunAsync(cancellationToken);
        }
        finally
        {
            logger.LogDebug("Pass {Job} ended on {Instance}", job, instance);
        }
    }

    protected abstract Task RunAsync(CancellationToken ct);
}

public sealed class PromotionSweepJob(BookingSweeps sweeps, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override Task RunAsync(CancellationToken ct) => sweeps.PromoteWaitingAsync(ct);
}

public sealed class NoShowReleaseJob(BookingSweeps sweeps, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override Task RunAsync(CancellationToken ct) => sweeps.ReleaseNoShowsAsync(ct);
}

public sealed class CompletionJob(BookingSweeps sweeps, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override Task RunAsync(CancellationToken ct) => sweeps.CompleteEndedAsync(ct);
}

public sealed class ExpiryJob(BookingSweeps sweeps, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override Task RunAsync(CancellationToken ct) => sweeps.ExpireStaleRequestsAsync(ct);
}

public sealed class EmailDeliveryJob(EmailOutbox notifications, InvitationOutbox invitations, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override async Task RunAsync(CancellationToken ct)
    {
        await notifications.SendPendingAsync(ct);
        await invitations.SendPendingAsync(ct);
    }
}

public sealed class ReportUsageJob(ReportUsage usage, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override Task RunAsync(CancellationToken ct) => usage.RefreshStaleAsync(ct);
}

public sealed class LiveEventPruneJob(LiveEventLog log, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override Task RunAsync(CancellationToken ct) => log.PruneAsync(ct);
}

public sealed class CalendarPushJob(CalendarPush push, CalendarPushWakeup wakeup, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override async Task RunAsync(CancellationToken ct)
    {
        await push.DeliverDueAsync(ct);
        if (await push.NextAttemptAsync(ct) is { } due)
        {
            await wakeup.RequestAtAsync(due, ct);
        }
    }
}

public sealed class CalendarPullJob(CalendarPull pull, ILogger<PassJob> logger) : PassJob(logger)
{
    protected override Task RunAsync(CancellationToken ct) => pull.PullDueAsync(ct);
}
