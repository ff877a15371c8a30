using System.Globalization;

namespace BookingPortal.Benchmarks;

internal sealed record BenchOptions(int Operations, int Warmup, int Rounds, int Workers, int Resources, int Races, int Racers, bool Profile,
    int FeedEvents = 0, int ReportResources = 0)
{
    public const string Usage =
        "usage: BookingPortal.Benchmarks [--ops 4000] [--warmup 300] [--rounds 3] [--workers 16] [--resources 64] " +
        "[--races 10] [--racers 50] [--profile] | --feed 5000 | --reports [--resources 2000]";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Operations: 4000, Warmup: 300, Rounds: 3, Workers: 16, Resources: 64, Races: 10, Racers: 50,
            Profile: false);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--ops" => options with { Operations = Positive(args, ++i) },
                "--warmup" => options with { Warmup = Positive(args, ++i) },
                "--rounds" => options with { Rounds = Positive(args, ++i) },
                "--workers" => options with { Workers = Positive(args, ++i) },
                "--resources" => options with { Resources = Positive(args, ++i) },
                "--races" => options with { Races = Positive(args, ++i) },
                "--racers" => options with { Racers = Math.Max(2, Positive(args, ++i)) },
                "--profile" => options with { Profile = true },
                "--feed" => options with { FeedEvents = Positive(args, ++i) },
                "--reports" => options with { ReportResources = 2000 },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}"),
            };
        }

        if (options.ReportResources > 0)
        {
            return args.Contains("--resources") ? options with { ReportResources = options.Resources } : options;
        }

        // Distinct resources per in-flight operation is what keeps the throughput phase free of conflicts by design.
        if (options.Resources < options.Workers)
        {
            throw new ArgumentException($"--resources ({options.Resources}) must be at least --workers ({options.Workers}).");
        }

        return options;
    }

    private static int Positive(string[] args, int index) =>
        index < args.Length && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{args[index - 1]}' needs a positive number. {Usage}");
}
