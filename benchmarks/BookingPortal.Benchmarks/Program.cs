using BookingPortal.Infrastructure.Catalog;
using Microsoft.Extensions.Caching.Memory;
using System.Diagnostics;
using System.Globalization;
using BookingPortal.Benchmarks;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning));
var logger = loggerFactory.CreateLogger("Benchmark");

try
{
    await using var database = await BenchDatabase.OpenAsync(logger, CancellationToken.None);
    // A missed target is a finding to report, not a failure: only broken correctness changes the exit code.
    if (options.ReportResources > 0)
    {
        await ReportsBenchmark.RunAsync(options.ReportResources, database, Console.Out);
    }
    else if (options.FeedEvents > 0)
    {
        await FeedBenchmark.RunAsync(options.FeedEvents, database, Console.Out);
    }
    else
    {
        await Benchmark.RunAsync(options, database, Console.Out);
    }
    return 0;
}
catch (BenchmarkFailedException e)
{
    Console.Error.WriteLine($"CORRECTNESS CHECK FAILED: {e.Message}");
    return 1;
}

namespace BookingPortal.Benchmarks
{
    internal static class Benchmark
    {
        /// <summary>A Monday at midnight UTC, well before every planned slot.</summary>
        private static readonly DateTimeOffset Now = new(2030, 1, 7, 0, 0, 0, TimeSpan.Zero);

        private const string Title = "Benchmark";

        /// <summary>Runs every phase and prints the report; returns whether both targets were met.</summary>
        public static async Task<bool> RunAsync(BenchOptions options, BenchDatabase database, TextWriter output)
        {
            // Both paths share the app's own connection settings, so the comparison is about the code above them.
            await using var dataSource = BookingDataSource.Create(database.ConnectionString);
            var contexts = new PooledDbContextFactory<BookingDbContext>(
                new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(dataSource).Options);
            var clock = new FixedTimeProvider(Now);
            var engine = new BookingEngine(contexts, new ResourceSnapshots(new MemoryCache(new MemoryCacheOptions())), clock, NullLogger<BookingEngine>.Instance,
                new DemandLog(contexts, clock));
            var raw = new RawBookingWriter(dataSource);
            var venue = await BenchVenue.SeedAsync(contexts, options.Resources, Now);
            var actors = Enumerable.Range(0, Math.Max(options.Workers, options.Racers))
                .Select(i => new Actor($"bench-{i:D2}", $"bench-{i:D2}@example.test", Roles.Staff))
                .ToArray();

            output.WriteLine($"BookingPortal benchmark: {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, " +
                $"PostgreSQL {await database.ServerVersionAsync(CancellationToken.None)}, {database.Description}");
            output.WriteLine($"  {options.Resources} resources, {options.Workers} workers, {options.Operations} creates per measurement, " +
                $"{options.Rounds} rounds, warm-up {options.Warmup} creates per path");

            async Task EngineCreate(BenchVenue.SlotBlock block, int op, Actor actor)
            {
                var (resource, range) = block.For(op);
                var result = await engine.CreateAsync(new CreateBookingCommand([resource.Id], range.Start, range.End, Title), actor);
                if (result is not BookingResult.Success)
                {
                    throw new BenchmarkFailedException($"Engine create #{op} on {resource.Name} {range.Start:u} returned {result}.");
                }
            }

            Task RawCreate(BenchVenue.SlotBlock block, int op, Actor actor)
            {
                var (resource, range) = block.For(op);
                return raw.CreateAsync(actor, Title, 1, resource, range, Now, CancellationToken.None);
            }

            // Warm-up: JIT, EF's query and update pipelines, and both connection pools filled to the worker count.
            await RunConcurrentAsync(options.Warmup, options.Workers, venue.Reserve(options.Warmup), actors, EngineCreate);
            await RunConcurrentAsync(options.Warmup, options.Workers, venue.Reserve(options.Warmup), actors, RawCreate);

            var engineRates = new List<double>();
            var rawRates = new List<double>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                // Swapping which path goes first each round spreads any drift (autovacuum, checkpoints, table growth).
                var engineFirst = round % 2 == 1;
                foreach (var useEngine in engineFirst ? new[] { true, false } : [false, true])
                {
                    var block = venue.Reserve(options.Operations);
                    var rate = await RunConcurrentAsync(options.Operations, options.Workers, block, actors,
                        useEngine ? EngineCreate : RawCreate);
                    (useEngine ? engineRates : rawRates).Add(rate);
                }

                output.WriteLine($"  round {round}: engine {engineRates[^1],7:F0} ops/s | raw Npgsql {rawRates[^1],7:F0} ops/s");
            }

            var engineMedian = Stats.Median(engineRates);
            var rawMedian = Stats.Median(rawRates);
            var ratio = engineMedian / rawMedian;

            // The first race opens the extra pooled connections a 50-way burst needs; it is not counted.
            await RaceAsync(engine, venue, actors, options.Racers, -1);
            var loserLatencies = new List<double>();
            for (var race = 0; race < options.Races; race++)
            {
                loserLatencies.AddRange(await RaceAsync(engine, venue, actors, options.Racers, race));
            }

            await VerifyStoredAsync(dataSource, venue, options);

            var p50 = Stats.Percentile(loserLatencies, 50);
            var p95 = Stats.Percentile(loserLatencies, 95);
            var ratioMet = ratio >= 0.5;
            var latencyMet = p95 < 50;
            output.WriteLine();
            output.WriteLine($"engine create: {engineMedian:F0} ops/s (median of {options.Rounds}) | raw Npgsql: {rawMedian:F0} ops/s | " +
                $"ratio {ratio:F2} (target >= 0.5: {(ratioMet ? "met" : "MISSED")})");
            output.WriteLine($"race losers ({options.Racers - 1} x {options.Races}): p50 {p50:F1} ms, p95 {p95:F1} ms, " +
                $"max {loserLatencies.Max():F1} ms (target p95 < 50 ms: {(latencyMet ? "met" : "MISSED")})");
            output.WriteLine("correctness: every throughput create succeeded, every race had exactly one winner and " +
                $"{options.Racers - 1} conflicts with suggestions, stored rows match");

            if (options.Profile)
            {
                await ProfileAsync(database, venue, raw, actors, output);
            }

            return ratioMet && latencyMet;
        }

        /// <summary>Runs <paramref name="operations"/> operations on <paramref name="workers"/> workers; returns operations per second.</summary>
        private static async Task<double> RunConcurrentAsync(int operations, int workers, BenchVenue.SlotBlock block, Actor[] actors,
            Func<BenchVenue.SlotBlock, int, Actor, Task> operation)
        {
            var next = -1;
            var clock = Stopwatch.StartNew();
            var running = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
            {
                int op;
                while ((op = Interlocked.Increment(ref next)) < operations)
                {
                    await operation(block, op, actors[worker]);
                }
            }));
            await Task.WhenAll(running);
            return operations / clock.Elapsed.TotalSeconds;
        }

        /// <summary>All racers ask for the same slot at once; returns the losers' latencies in milliseconds.</summary>
        private static async Task<List<double>> RaceAsync(BookingEngine engine, BenchVenue venue, Actor[] actors, int racers, int race)
        {
            var (resource, range) = venue.ReserveLone(race + 1);
            using var gate = new SemaphoreSlim(0);
            var attempts = Enumerable.Range(0, racers).Select(async racer =>
            {
                await gate.WaitAsync();
                var started = Stopwatch.GetTimestamp();
                var result = await engine.CreateAsync(
                    new CreateBookingCommand([resource.Id], range.Start, range.End, $"Race {race} #{racer}"), actors[racer]);
                return (Result: result, Elapsed: Stopwatch.GetElapsedTime(started));
            }).ToList();
            gate.Release(racers);
            var outcomes = await Task.WhenAll(attempts);

            var winners = outcomes.Count(o => o.Result is BookingResult.Success);
            if (winners != 1)
            {
                throw new BenchmarkFailedException($"Race {race} on {resource.Name} had {winners} winners instead of 1.");
            }

            var losers = outcomes.Where(o => o.Result is not BookingResult.Success).ToList();
            if (losers.FirstOrDefault(o => o.Result is not BookingResult.Conflict { Details: { Conflicts.Count: > 0, SuggestedSlots.Count: > 0 } })
                is { Result: { } odd })
            {
                throw new BenchmarkFailedException($"Race {race}: a loser got {odd} instead of a conflict with suggestions.");
            }

            return losers.Select(o => o.Elapsed.TotalMilliseconds).ToList();
        }

        /// <summary>What is stored has to match what the phases reported, or the rates counted something other than bookings.</summary>
        private static async Task VerifyStoredAsync(NpgsqlDataSource dataSource, BenchVenue venue, BenchOptions options)
        {
            await using var command = dataSource.CreateCommand("""
                SELECT count(*), count(DISTINCT a.booking_id), count(*) FILTER (WHERE NOT a.holds),
                       (SELECT count(*) FROM booking_history h WHERE h.booking_id = ANY (array_agg(a.booking_id)))
                FROM allocations a WHERE a.resource_id = ANY ($1)
                """);
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = venue.Resources.Select(r => r.Id).ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (allocations, bookings, notHolding, history) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            long expected = 2L * options.Warmup + 2L * options.Rounds * options.Operations + options.Races + 1;
            if (allocations != expected || bookings != expected || notHolding != 0 || history != expected)
            {
                throw new BenchmarkFailedException(
                    $"Expected {expected} holding bookings with one allocation and one history row each; found {allocations} " +
                    $"allocations of {bookings} bookings ({notHolding} not holding) and {history} history rows.");
            }
        }

        /// <summary>Where the engine's time goes: round trips per operation and time spent inside commands.</summary>
        private static async Task ProfileAsync(BenchDatabase database, BenchVenue venue, RawBookingWriter raw, Actor[] actors,
            TextWriter output)
        {
            const int sequential = 300;
            var counter = new CommandCounter();
            var contexts = new PooledDbContextFactory<BookingDbContext>(new DbContextOptionsBuilder<BookingDbContext>()
                .UseNpgsql(database.ConnectionString).AddInterceptors(counter).Options);
            var engine = new BookingEngine(contexts, new ResourceSnapshots(new MemoryCache(new MemoryCacheOptions())), new FixedTimeProvider(Now), NullLogger<BookingEngine>.Instance,
                new DemandLog(contexts, new FixedTimeProvider(Now)));

            var warm = venue.Reserve(50);
            for (var op = 0; op < 50; op++)
            {
                var (resource, range) = warm.For(op);
                await engine.CreateAsync(new CreateBookingCommand([resource.Id], range.Start, range.End, Title), actors[0]);
            }

            counter.TakeTexts();
            var before = counter.Snapshot();
            var block = venue.Reserve(sequential);
            var clock = Stopwatch.StartNew();
            for (var op = 0; op < sequential; op++)
            {
                counter.Capture = op == 0;
                var (resource, range) = block.For(op);
                await engine.CreateAsync(new CreateBookingCommand([resource.Id], range.Start, range.End, Title), actors[0]);
            }

            var engineMs = clock.Elapsed.TotalMilliseconds / sequential;
            var after = counter.Snapshot();
            var texts = counter.TakeTexts();

            var rawBlock = venue.Reserve(sequential);
            clock.Restart();
            for (var op = 0; op < sequential; op++)
            {
                var (resource, range) = rawBlock.For(op);
                await raw.CreateAsync(actors[0], Title, 1, resource, range, Now, CancellationToken.None);
            }

            var rawMs = clock.Elapsed.TotalMilliseconds / sequential;
            var commands = (double)(after.Commands - before.Commands) / sequential;
            var commits = (double)(after.Commits - before.Commits) / sequential;
            var inCommands = (after.InCommands - before.InCommands).TotalMilliseconds / sequential;

            output.WriteLine();
            output.WriteLine($"profile, one worker, {sequential} creates each:");
            output.WriteLine($"  engine: {engineMs:F2} ms/op, {commands:F1} commands + {commits:F1} commits = {commands + commits:F1} round trips/op, " +
                $"{inCommands:F2} ms/op inside commands");
            output.WriteLine($"  raw:    {rawMs:F2} ms/op, 1 batch + 1 commit = 2 round trips/op");
            output.WriteLine("  engine commands for one create:");
            foreach (var text in texts)
            {
                output.WriteLine("    " + string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            }

            // One loser at a time: the cost of a conflict without 49 others queueing for the same two cores.
            var (taken, takenRange) = venue.ReserveLone(2000);
            await engine.CreateAsync(new CreateBookingCommand([taken.Id], takenRange.Start, takenRange.End, Title), actors[0]);
            var conflictBefore = counter.Snapshot();
            clock.Restart();
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var result = await engine.CreateAsync(new CreateBookingCommand([taken.Id], takenRange.Start, takenRange.End, Title), actors[1]);
                if (result is not BookingResult.Conflict)
                {
                    throw new BenchmarkFailedException($"A create on a taken slot returned {result}.");
                }
            }

            var conflictMs = clock.Elapsed.TotalMilliseconds / 100;
            var conflictAfter = counter.Snapshot();
            output.WriteLine($"  uncontended conflict: {conflictMs:F2} ms/op, " +
                $"{(double)(conflictAfter.Commands - conflictBefore.Commands) / 100:F1} commands/op (plus the failed transaction's rollback), " +
                $"{(conflictAfter.InCommands - conflictBefore.InCommands).TotalMilliseconds / 100:F2} ms/op inside commands");

            var raceBefore = counter.Snapshot();
            var losers = await RaceAsync(engine, venue, actors, actors.Length, 1000);
            var raceAfter = counter.Snapshot();
            output.WriteLine($"  one {actors.Length}-way race: {(double)(raceAfter.Commands - raceBefore.Commands) / actors.Length:F1} commands " +
                $"per racer, losers p50 {Stats.Percentile(losers, 50):F1} ms");
        }
    }
}
