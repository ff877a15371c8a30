using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BookingPortal.Web.Hosting;

/// <summary>Who is writing: the limiter counts against both the caller's own budget and their address's budget.</summary>
internal readonly record struct WriteCaller(string User, string Ip)
{
    public static WriteCaller From(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var user = context.User.Identity?.IsAuthenticated == true
            ? context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.User.Identity.Name
            : null;
        // Prefixes keep a user literally named like an address from sharing that address's anonymous budget.
        return new WriteCaller(user is { Length: > 0 } ? "user:" + user : "ip:" + ip, ip);
    }
}

/// <summary>
/// The <see cref="RateLimitPolicies.Writes"/> policy: a request must get a permit from its user's window and from
/// its IP's window.
/// </summary>
/// <remarks>
/// A policy yields one partition per request, but the two budgets are shared along different keys (one user may use
/// many addresses, one address serves many users). So the partition is the (user, IP) pair, and its limiter only
/// forwards to one chained limiter that holds the real per-user and per-IP windows.
/// </remarks>
internal sealed class WritesRateLimitPolicy : IRateLimiterPolicy<WriteCaller>, IDisposable
{
    private readonly bool enabled;
    private readonly PartitionedRateLimiter<WriteCaller> shared;

    public WritesRateLimitPolicy(IOptions<RateLimitingOptions> options)
    {
        var settings = options.Value;
        enabled = settings.Enabled;
        shared = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<WriteCaller, string>(
                caller => RateLimitPartition.GetFixedWindowLimiter(caller.User, _ => Window(settings.PerUser))),
            PartitionedRateLimiter.Create<WriteCaller, string>(
                caller => RateLimitPartition.GetFixedWindowLimiter(caller.Ip, _ => Window(settings.PerIp))));
    }

    // The rejection answer is written by the limiter-wide OnRejected, which also serves any future policy.
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<WriteCaller> GetPartition(HttpContext httpContext)
    {
        var caller = WriteCaller.From(httpContext);
        return enabled
            ? RateLimitPartition.Get(caller, key => new ForwardingLimiter(shared, key))
            : RateLimitPartition.GetNoLimiter(caller);
    }

    public void Dispose() => shared.Dispose();

    private static FixedWindowRateLimiterOptions Window(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = limit.Window,
        // Queued writes would hold connections open and then land late; a client is better told to retry.
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>The per-pair face of the shared limiter; disposing it (when idle) leaves the shared windows alone.</summary>
    private sealed class ForwardingLimiter(PartitionedRateLimiter<WriteCaller> inner, WriteCaller key) : RateLimiter
    {
        private long lastUsedTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

        // Lets the middleware drop pairs that stopped writing, so the pair table does not grow without bound.
        public override TimeSpan? IdleDuration =>
            System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref lastUsedTimestamp));

        public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics(key);

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Touch();
            return inner.AttemptAcquire(key, permitCount);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            Touch();
            return inner.AcquireAsync(key, permitCount, cancellationToken);
        }

        private void Touch() => Interlocked.Exchange(ref lastUsedTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
    }
}
