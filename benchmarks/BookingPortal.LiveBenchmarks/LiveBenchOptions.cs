using System.Globalization;

namespace BookingPortal.Benchmarks;

internal sealed record LiveBenchOptions(int Subscribers, int Events, int Warmup, int Displays, int Rounds, bool Explain)
{
    public const string Usage =
        "usage: BookingPortal.LiveBenchmarks [--subscribers 200] [--events 200] [--warmup 20] [--displays 20] [--rounds 1] [--explain]";

    public static LiveBenchOptions Parse(string[] args)
    {
        var options = new LiveBenchOptions(Subscribers: 200, Events: 200, Warmup: 20, Displays: 20, Rounds: 1, Explain: false);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--subscribers" => options with { Subscribers = Math.Max(2, Positive(args, ++i, Usage)) },
                "--events" => options with { Events = Positive(args, ++i, Usage) },
                "--warmup" => options with { Warmup = Positive(args, ++i, Usage) },
                "--displays" => options with { Displays = Positive(args, ++i, Usage) },
                "--rounds" => options with { Rounds = Positive(args, ++i, Usage) },
                "--explain" => options with { Explain = true },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}"),
            };
        }

        return options;
    }

    /// <summary>The number after an option, shared by every mode's options so all complain alike.</summary>
    internal static int Positive(string[] args, int index, string usage) =>
        index < args.Length && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{args[index - 1]}' needs a positive number. {usage}");
}
