using System.Globalization;

namespace BookingPortal.Benchmarks;

/// <summary>
/// The calendar sync run: how many rooms are linked (half to the fake Google, half to the fake Microsoft 365), how many
/// bookings are timed one at a time, and how many changes then go through at once while a share of provider
/// requests fail.
/// </summary>
internal sealed record SyncBenchOptions(int Rooms, int LatencySamples, int Changes, int Writers, double FaultRate, int Seed)
{
    public const string Argument = "--sync";

    public const string Usage =
        "usage: BookingPortal.LiveBenchmarks --sync [--rooms 200] [--samples 60] [--changes 1000] [--writers 8] [--fault-rate 0.1] [--seed n]";

    public static SyncBenchOptions Parse(string[] args)
    {
        var options = new SyncBenchOptions(Rooms: 200, LatencySamples: 60, Changes: 1000, Writers: 8, FaultRate: 0.1, Seed: Environment.TickCount);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                Argument => options,
                "--rooms" => options with { Rooms = Math.Max(2, LiveBenchOptions.Positive(args, ++i, Usage)) },
                "--samples" => options with { LatencySamples = LiveBenchOptions.Positive(args, ++i, Usage) },
                "--changes" => options with { Changes = LiveBenchOptions.Positive(args, ++i, Usage) },
                "--writers" => options with { Writers = LiveBenchOptions.Positive(args, ++i, Usage) },
                "--fault-rate" => options with { FaultRate = Rate(args, ++i) },
                "--seed" => options with { Seed = LiveBenchOptions.Positive(args, ++i, Usage) },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}"),
            };
        }

        return options;
    }

    private static double Rate(string[] args, int index) =>
        index < args.Length && double.TryParse(args[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and < 1
            ? rate
            : throw new ArgumentException($"--fault-rate needs a share from 0 up to (not including) 1. {Usage}");
}
