namespace BookingPortal.Benchmarks;

/// <summary>A clock that never moves, so every planned slot stays in the future and inside the booking horizon.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly DateTimeOffset _now = now.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() => _now;
}
