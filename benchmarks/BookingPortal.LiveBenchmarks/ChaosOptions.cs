namespace BookingPortal.Benchmarks;

/// <summary>
/// The chaos run: how long the clients drive load, how many there are, and how long each fault lasts. The faults sit at
/// fixed points of the run (PostgreSQL at a quarter, the kill past the middle) so that each lands in steady load and
/// the instance is killed only after the database is back.
/// </summary>
internal sealed record ChaosOptions(TimeSpan Duration, int Clients, int Resources, TimeSpan Outage, TimeSpan KillDowntime, int Seed)
{
    public const string Argument = "--chaos";

    public const string Usage =
        "usage: BookingPortal.LiveBenchmarks --chaos [--duration 60] [--clients 8] [--resources 6] [--outage 4] [--kill-downtime 2] [--seed n]";

    public TimeSpan OutageAt => Duration * 0.25;

    public TimeSpan KillAt => Duration * 0.55;

    public static ChaosOptions Parse(string[] args)
    {
        var options = new ChaosOptions(TimeSpan.FromSeconds(60), Clients: 8, Resources: 6, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2),
            Seed: Environment.TickCount);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                Argument => options,
                "--duration" => options with { Duration = TimeSpan.FromSeconds(LiveBenchOptions.Positive(args, ++i, Usage)) },
                "--clients" => options with { Clients = LiveBenchOptions.Positive(args, ++i, Usage) },
                "--resources" => options with { Resources = LiveBenchOptions.Positive(args, ++i, Usage) },
                "--outage" => options with { Outage = TimeSpan.FromSeconds(LiveBenchOptions.Positive(args, ++i, Usage)) },
                "--kill-downtime" => options with { KillDowntime = TimeSpan.FromSeconds(LiveBenchOptions.Positive(args, ++i, Usage)) },
                "--seed" => options with { Seed = LiveBenchOptions.Positive(args, ++i, Usage) },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}"),
            };
        }

        // The kill must come after the database is back, or the two faults blur into one.
        return options.OutageAt + options.Outage + TimeSpan.FromSeconds(5) < options.KillAt
            ? options
            : throw new ArgumentException($"--duration {options.Duration.TotalSeconds} s is too short for a {options.Outage.TotalSeconds} s outage. {Usage}");
    }
}
