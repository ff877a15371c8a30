using BookingPortal.Infrastructure.Notifications;
using Quartz;

namespace BookingPortal.Infrastructure.Scheduling;

// Each job is one pass of a sweep. DisallowConcurrentExecution holds across the cluster: a pass that outlasts its
// interval is not started again on another instance until it ends.

[DisallowConcurrentExecution]
public sealed class PromotionSweepJob(BookingSweeps sweeps) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sweeps.PromoteWaitingAsync(cancellationToken);
}

[DisallowConcurrentExecution]
public sealed class NoShowReleaseJob(BookingSweeps sweeps) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sweeps.ReleaseNoShowsAsync(cancellationToken);
}

[DisallowConcurrentExecution]
public sealed class CompletionJob(BookingSweeps sweeps) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sweeps.CompleteEndedAsync(cancellationToken);
}

[DisallowConcurrentExecution]
public sealed class ExpiryJob(BookingSweeps sweeps) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sweeps.ExpireStaleRequestsAsync(cancellationToken);
}

[DisallowConcurrentExecution]
public sealed class EmailDeliveryJob(EmailOutbox outbox) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await outbox.SendPendingAsync(cancellationToken);
}
