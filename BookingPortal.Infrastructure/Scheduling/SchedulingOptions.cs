using BookingPortal.Domain.Locations;

namespace BookingPortal.Infrastructure.Scheduling;

/// <summary>The <c>Scheduling</c> configuration section (README, "Scheduled work").</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>Runs the Quartz scheduler in this instance; any number of instances may, each job still runs once.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Backstop pass over the wait list; freeing a slot promotes at once anyway.</summary>
    public TimeSpan PromotionInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan NoShowInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan CompletionInterval { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the e-mail outbox is drained; only when <c>Smtp:Host</c> is set.</summary>
    public TimeSpan EmailInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the reports' summary takes in what changed; a report catches up on its own location anyway.</summary>
    public TimeSpan ReportUsageInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the live-event log is cut back to its replay window (<c>LiveEvents:*</c>).</summary>
    public TimeSpan LiveEventPruneInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Backstop for the calendar sync outbox; a change wakes the push at once anyway.</summary>
    public TimeSpan CalendarPushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often linked calendars are looked at for a due pull (each is pulled every <c>Sync:PollSeconds</c>, or <c>Sync:ReconcileSeconds</c> with a webhook).</summary>
    public TimeSpan CalendarPullInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an instance tells the cluster it is alive.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long past a missed check-in the others wait before taking over a silent instance's work.</summary>
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The no-show grace period a location starts with; each location keeps its own afterwards.</summary>
    public TimeSpan DefaultNoShowGracePeriod { get; set; } = Location.DefaultNoShowGracePeriod;
}
