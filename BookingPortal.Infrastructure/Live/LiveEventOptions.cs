namespace BookingPortal.Infrastructure.Live;

/// <summary>The <c>LiveEvents</c> configuration section: how much of the live-event log is kept for resuming streams.</summary>
public sealed class LiveEventOptions
{
    public const string Section = "LiveEvents";

    /// <summary>Events older than this are pruned; a stream resuming from before it is told to reload.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>At most this many of the newest events are kept, however young, so a burst cannot grow the log unbounded.</summary>
    public int ReplayMaxEvents { get; set; } = 10_000;
}
