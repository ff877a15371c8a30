namespace BookingPortal.Benchmarks;

/// <summary>
/// Where the clients book: a few rooms of a venue open around the clock, on a quarter-hour grid over a few days, so
/// that clients keep running into each other and the exclusion constraint has work to do. "Soon" bookings start
/// within the next quarter of an hour, so they can be checked in during the run.
/// </summary>
internal sealed class ChaosVenue(IReadOnlyList<Guid> resources)
{
    private static readonly TimeSpan Quarter = TimeSpan.FromMinutes(15);

    private readonly DateTimeOffset _tomorrow = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(1);

    /// <summary>Tomorrow or the two days after, up to an hour long, never across midnight.</summary>
    public (Guid Resource, DateTimeOffset Start, DateTimeOffset End) Later(Random random) => OnDay(random, random.Next(0, 3));

    /// <summary>The first occurrence of a three-day series, after the days single bookings use, so series clash mostly with series.</summary>
    public (Guid Resource, DateTimeOffset Start, DateTimeOffset End) SeriesStart(Random random) => OnDay(random, random.Next(3, 6));

    /// <summary>Starting 5 to 10 minutes from now, inside the check-in window.</summary>
    public (Guid Resource, DateTimeOffset Start, DateTimeOffset End) Soon(Random random)
    {
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.FromMinutes(5).Ticks, TimeSpan.Zero).AddMinutes(10);
        return (resources[random.Next(resources.Count)], start, start + Quarter * random.Next(1, 3));
    }

    private (Guid Resource, DateTimeOffset Start, DateTimeOffset End) OnDay(Random random, int day)
    {
        var quarters = random.Next(1, 5);
        var start = _tomorrow.AddDays(day) + Quarter * random.Next(0, 96 - quarters);
        return (resources[random.Next(resources.Count)], start, start + Quarter * quarters);
    }
}
