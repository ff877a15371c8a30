using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// Counts reads of calendar feeds per subscription link (or per user), in the endpoint rather than as a limiter policy:
/// a feed opened by link has no user for the middleware to partition by until the link has been looked up.
/// </summary>
internal sealed class FeedReadLimiter(IOptions<RateLimitingOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.Feeds.PermitLimit,
            Window = options.Value.Feeds.Window,
            QueueLimit = 0,
        }));

    /// <summary>Null when the read may go ahead; otherwise how long until it may.</summary>
    public TimeSpan? TryEnter(string key)
    {
        if (!options.Value.Enabled)
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired
            ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.Value.Feeds.Window;
    }

    public void Dispose() => _limiter.Dispose();
}
