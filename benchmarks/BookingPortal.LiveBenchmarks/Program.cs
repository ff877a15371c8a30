using System.Globalization;

namespace BookingPortal.Benchmarks;

// Not top-level statements: their generated Program class would clash with the app's own Program.
internal static class Entry
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [ServerProcess.ServeArgument])
        {
            return await ServerProcess.ServeAsync();
        }

        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        LiveBenchOptions? options = null;
        ChaosOptions? chaos = null;
        SyncBenchOptions? sync = null;
        try
        {
            if (args.Contains(ChaosOptions.Argument))
            {
                chaos = ChaosOptions.Parse(args);
            }
            else if (args.Contains(SyncBenchOptions.Argument))
            {
                sync = SyncBenchOptions.Parse(args);
            }
            else
            {
                options = LiveBenchOptions.Parse(args);
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning));
        try
        {
            await using var database = await BenchDatabase.OpenAsync(loggerFactory.CreateLogger("Benchmark"), CancellationToken.None);
            if (chaos is not null)
            {
                return await ChaosBenchmark.RunAsync(chaos, database, Console.Out) ? 0 : 1;
            }

            if (sync is not null)
            {
                await SyncBenchmark.RunAsync(sync, database, Console.Out);
                return 0;
            }

            await LiveBenchmark.RunAsync(options!, database, Console.Out);
            return 0;
        }
        catch (BenchmarkFailedException e)
        {
            Console.Error.WriteLine($"CORRECTNESS CHECK FAILED: {e.Message}");
            return 1;
        }
    }
}
