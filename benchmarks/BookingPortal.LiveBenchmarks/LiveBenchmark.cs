using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Displays;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Playwright;

namespace BookingPortal.Benchmarks;

internal static class LiveBenchmark
{
    private const string Password = "Bench!Live2026";
    private static readonly Actor Writer = new("bench-writer", "writer@bench.test", Roles.Staff);

    public static async Task RunAsync(LiveBenchOptions options, BenchDatabase database, TextWriter output)
    {
        var contexts = new PooledDbContextFactory<BookingDbContext>(
            new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(database.ConnectionString).Options);
        var venue = await BenchVenue.SeedAsync(contexts, 20, DateTimeOffset.UtcNow);
        output.WriteLine($"BookingPortal live benchmark: {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, " +
            $"PostgreSQL {await database.ServerVersionAsync(CancellationToken.None)}, {database.Description}");

        // Explaining is about memory only, and attaching to the server process would disturb latency figures anyway.
        if (!options.Explain)
        {
            var latencies = await CommitToStreamAsync(options, database.ConnectionString, venue, output);
            output.WriteLine($"  commit → SSE client, {latencies.Count} deliveries: p50 {Stats.Median(latencies):0.0} ms, " +
                $"p95 {Stats.Percentile(latencies, 95):0.0} ms, p99 {Stats.Percentile(latencies, 99):0.0} ms, max {latencies.Max():0.0} ms " +
                "(target p95 < 100 ms)");
        }

        var token = (await new DisplayLinks(contexts, TimeProvider.System).CreateAsync("Benchmark", venue.Location.Id, null, null, Actor.System)
            is AdminResult<CreatedDisplayLink>.Ok ok ? ok.Value : throw new BenchmarkFailedException("Could not create a display link.")).Token;
        await MemoryPerPageAsync(options, database.ConnectionString, token, output);
    }

    /// <summary>
    /// Half the subscribers on each of two instances; one writer books through instance A's engine, one booking at a
    /// time, and every subscriber's arrival time is taken against the moment the commit returned.
    /// </summary>
    private static async Task<List<double>> CommitToStreamAsync(LiveBenchOptions options, string connectionString, BenchVenue venue, TextWriter output)
    {
        using var a = BenchApp.Start(connectionString);
        using var b = BenchApp.Start(connectionString);
        var token = await SignInAsync(a);
        var arrivals = new ConcurrentDictionary<Guid, Arrival>();
        var listeners = new List<SseListener>();
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var clientA = new HttpClient(handler, disposeHandler: false) { BaseAddress = a.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var clientB = new HttpClient(handler, disposeHandler: false) { BaseAddress = b.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        void OnArrival(Guid id) =>
            arrivals.GetOrAdd(id, _ => new Arrival()).Count(options.Subscribers);
        for (var i = 0; i < options.Subscribers; i++)
        {
            listeners.Add(await SseListener.OpenAsync(i % 2 == 0 ? clientA : clientB, token, OnArrival));
        }

        output.WriteLine($"  {options.Subscribers} SSE subscribers ({(options.Subscribers + 1) / 2} on instance A, {options.Subscribers / 2} on B), " +
            $"{options.Events} bookings through A after {options.Warmup} unmeasured");
        var engine = a.Services.GetRequiredService<BookingEngine>();
        var slots = venue.Reserve(options.Warmup + options.Events);
        var latencies = new List<double>(options.Events * options.Subscribers);
        for (var i = 0; i < options.Warmup + options.Events; i++)
        {
            var (resource, range) = slots.For(i);
            var result = await engine.CreateAsync(new CreateBookingCommand([resource.Id], range.Start, range.End, "Latency"), Writer);
            var committed = Stopwatch.GetTimestamp();
            var id = result is BookingResult.Success success ? success.Booking.Id : throw new BenchmarkFailedException($"Booking {i} failed: {result}");
            try
            {
                await arrivals.GetOrAdd(id, _ => new Arrival()).Done.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                throw new BenchmarkFailedException($"Booking {i} reached only {listeners.Count(l => l.HasReceived(id))} of {listeners.Count} subscribers.");
            }

            if (i >= options.Warmup)
            {
                latencies.AddRange(listeners.Select(l => Stopwatch.GetElapsedTime(committed, l.ArrivalOf(id)).TotalMilliseconds));
            }

            // Spaced out: this measures how fast one change travels, not how many fit through at once.
            await Task.Delay(20);
        }

        foreach (var listener in listeners)
        {
            await listener.DisposeAsync();
        }

        handler.Dispose();
        return latencies;
    }

    /// <summary>
    /// Growth of a fresh app instance's managed heap, after full collections, per page open on it. The instance runs in
    /// a process of its own, the pages exist (blank) before the baseline, and one warm page pays for first-use caches
    /// first, so only what the server keeps per circuit is counted. An invalid link is measured the same way for scale:
    /// the same circuit drawing nothing.
    /// </summary>
    private static async Task MemoryPerPageAsync(LiveBenchOptions options, string connectionString, string token, TextWriter output)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding"],
        });
        output.WriteLine($"  server memory per open page, {options.Displays} Chromium pages per measurement, {options.Rounds} rounds:");
        var displays = new List<PageCost>();
        var shells = new List<PageCost>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var display = await PerPageAsync(browser, connectionString, $"/display/link/{token}", "wall-display", options.Displays, options.Explain, output);
            // The same page, layout and circuit with nothing to draw: an invalid link.
            var shell = await PerPageAsync(browser, connectionString, "/display/link/not-a-link", "wall-display", options.Displays, options.Explain, output);
            displays.Add(display);
            shells.Add(shell);
            output.WriteLine($"    round {round}: wall display {display}, empty display shell {shell}");
        }

        output.WriteLine($"  wall display: median {Stats.Median(displays.Select(d => d.Total).ToList()):0.0} KB per display (target ≤ 150 KB), " +
            $"{Stats.Median(displays.Select(d => d.Total - d.IdlePool).ToList()):0.0} KB without idle pooled blocks; the same circuit drawing " +
            $"nothing {Stats.Median(shells.Select(d => d.Total).ToList()):0.0} KB, {Stats.Median(shells.Select(d => d.Total - d.IdlePool).ToList()):0.0} KB");
    }

    private static async Task<PageCost> PerPageAsync(
        IBrowser browser, string connectionString, string path, string readyTestId, int count, bool explain, TextWriter output)
    {
        await using var server = await ServerProcess.StartAsync(connectionString);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseAddress.ToString() });
        await OpenAsync(await context.NewPageAsync(), path, readyTestId);
        var pages = new List<IPage>();
        for (var i = 0; i < count; i++)
        {
            pages.Add(await context.NewPageAsync());
        }

        var before = await SettledHeapAsync(server, count);
        var censusBefore = explain ? HeapCensus.Take(server.ProcessId) : null;
        // One after another, as screens are switched on: loading many pages at once would grow Kestrel's block pool to
        // that burst's peak, and the pool gives blocks back only slowly.
        foreach (var page in pages)
        {
            await OpenAsync(page, path, readyTestId);
        }

        var after = await SettledHeapAsync(server, count);
        if (censusBefore is not null)
        {
            output.WriteLine($"    {path}:");
            HeapCensus.Take(server.ProcessId).WriteGrowth(censusBefore, count, top: 40, output);
        }

        return new PageCost((after.Heap - before.Heap) / (double)count / 1024, (after.PooledBlocks - before.PooledBlocks) / (double)count / 1024);
    }

    /// <summary>Growth per page in KB, and how much of it is idle blocks in Kestrel's block pool.</summary>
    private sealed record PageCost(double Total, double IdlePool)
    {
        public override string ToString() => $"{Total:0.0} KB (idle pooled blocks {IdlePool:0.0} KB)";
    }

    /// <summary>
    /// The heap once it stops shrinking: the shared array pool trims arrays unused for a minute, and Kestrel's block
    /// pool gives idle blocks back a few at a time. Readings every 15 seconds, until the last
    /// four lie within 1 KB per page of each other (at most three minutes); the lowest counts.
    /// </summary>
    private static async Task<HeapReading> SettledHeapAsync(ServerProcess server, int pages)
    {
        var readings = new List<HeapReading>();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 180;
        while (true)
        {
            readings.Add(await server.ReadHeapAsync());
            var last = readings.TakeLast(4).Select(r => r.Heap).ToList();
            if ((last.Count == 4 && last.Max() - last.Min() < pages * 1024L) || Stopwatch.GetTimestamp() > deadline)
            {
                return readings.MinBy(r => r.Heap)!;
            }

            await Task.Delay(TimeSpan.FromSeconds(15));
        }
    }

    private static async Task OpenAsync(IPage page, string path, string readyTestId)
    {
        await page.GotoAsync(path);
        await Assertions.Expect(page.GetByTestId(readyTestId)).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 60_000 });
    }

    private static async Task<string> SignInAsync(BenchApp app)
    {
        await BenchUsers.EnsureStaffAsync(app.Services, Writer.UserId, Writer.Email, Password);
        using var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = Writer.Email, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private sealed class Arrival
    {
        private int _count;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Count(int expected)
        {
            if (Interlocked.Increment(ref _count) == expected)
            {
                Done.TrySetResult();
            }
        }
    }
}
