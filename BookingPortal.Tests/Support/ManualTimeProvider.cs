namespace BookingPortal.Tests.Support;

/// <summary>A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing is not in this NuGet copy).</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset now) => _now = now.ToUniversalTime();
}
