using BookingPortal.Infrastructure.Calendars.Invitations;
using BookingPortal.Infrastructure.Notifications;
using BookingPortal.Infrastructure.Reports;
using Quartz;

namespace BookingPortal.Infrastructure.Scheduling;

/// <summary>
/// One pass of a sweep per firing. DisallowConcurrentExecution (inherited by every job here) holds across the cluster:
/// a pass that outlasts its interval is not started again on another instance until it ends.
/// </summary>
[DisallowConcurrentExecution]
public abstract class PassJob : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await RunAsync(cancellationToken);

    protected abstract Task RunAsync(CancellationToken ct);
}

public sealed class PromotionSweepJob(BookingSweeps sweeps) : PassJob
{
    protected override Task RunAsync(CancellationToken ct) => sweeps.PromoteWaitingAsync(ct);
}

public sealed class NoShowReleaseJob(BookingSweeps sweeps) : PassJob
{
    protected override Task RunAsync(CancellationToken ct) => sweeps.ReleaseNoShowsAsync(ct);
}

public sealed class CompletionJob(BookingSweeps sweeps) : PassJob
{
    protected override Task RunAsync(CancellationToken ct) => sweeps.CompleteEndedAsync(ct);
}

public sealed class ExpiryJob(BookingSweeps sweeps) : PassJob
{
    protected override Task RunAsync(CancellationToken ct) => sweeps.ExpireStaleRequestsAsync(ct);
}

public sealed class EmailDeliveryJob(EmailOutbox notifications, InvitationOutbox invitations) : PassJob
{
    protected override async Task RunAsync(CancellationToken ct)
    {
        await notifications.SendPendingAsync(ct);
        await invitations.SendPendingAsync(ct);
    }
}

public sealed class ReportUsageJob(ReportUsage usage) : PassJob
{
    protected override Task RunAsync(CancellationToken ct) => usage.RefreshStaleAsync(ct);
}
