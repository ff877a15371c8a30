using System.Diagnostics;
using System.Text;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Calendars.Feeds;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using BookingPortal.Infrastructure.Reports;

namespace BookingPortal.Benchmarks;

/// <summary>
/// How long one person's calendar feed takes to build when it holds many bookings: the database read, the Ical.Net
/// mapping and serialisation, as <c>GET /api/me/calendar.ics</c> runs them (the HTTP layer adds a hash and a copy).
/// </summary>
internal static class FeedBenchmark
{
    private static readonly DateTimeOffset Now = new(2030, 1, 7, 0, 0, 0, TimeSpan.Zero);
    private const int Reads = 20;

    public static async Task RunAsync(int events, BenchDatabase database, TextWriter output)
    {
        await using var dataSource = BookingDataSource.Create(database.ConnectionString);
        var contexts = new PooledDbContextFactory<BookingDbContext>(new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(dataSource).Options);
        var engine = new BookingEngine(contexts, new ResourceSnapshots(new MemoryCache(new MemoryCacheOptions())), new FixedTimeProvider(Now),
            NullLogger<BookingEngine>.Instance, new DemandLog(contexts, new FixedTimeProvider(Now)));
        var venue = await BenchVenue.SeedAsync(contexts, 64, Now);
        var owner = new Actor("feed-owner", "feed-owner@example.test", Roles.Staff);
        var block = venue.Reserve(events);
        var next = -1;
        var ids = new Guid[events];
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var op = Interlocked.Increment(ref next); op < events; op = Interlocked.Increment(ref next))
            {
                var (resource, range) = block.For(op);
                if (await engine.CreateAsync(new CreateBookingCommand([resource.Id], range.Start, range.End, $"Feed event {op} – Zürich, 東京"), owner)
                    is not BookingResult.Success created)
                {
                    throw new BenchmarkFailedException($"Seeding booking #{op} failed.");
                }

                ids[op] = created.Booking.Id;
            }
        }));

        var window = FeedWindow.Around(Now);
        Uri Page(Guid id) => new($"https://bookings.example.test/bookings?booking={id}");
        using var warm = new CalendarFeeds(contexts);
        async Task<string> ReadAsync(CalendarFeeds feeds) =>
            await feeds.MineAsync(owner, window, Page) is FeedResult.Ok ok ? ok.Text : throw new BenchmarkFailedException("The feed was refused.");

        for (var i = 0; i < 3; i++)
        {
            await ReadAsync(warm);
        }

        // First: a fresh instance has nothing kept, as after a restart. Changed: one booking renamed since the last read,
        // the usual change to a large feed. Unchanged: the same feed read again, as calendar apps mostly find it.
        var first = new List<double>();
        var changed = new List<double>();
        var unchanged = new List<double>();
        var text = string.Empty;
        for (var i = 0; i < Reads; i++)
        {
            using var fresh = new CalendarFeeds(contexts);
            var clock = Stopwatch.StartNew();
            text = await ReadAsync(fresh);
            first.Add(clock.Elapsed.TotalMilliseconds);

            if (await engine.ChangeAsync(new ChangeBookingCommand(ids[i * 97 % events], Title: $"Renamed {i}"), owner) is not BookingResult.Success)
            {
                throw new BenchmarkFailedException("Renaming a booking failed.");
            }

            clock.Restart();
            var renamed = await ReadAsync(warm);
            changed.Add(clock.Elapsed.TotalMilliseconds);
            if (!renamed.Contains($"Renamed {i}", StringComparison.Ordinal))
            {
                throw new BenchmarkFailedException("The feed did not show the renamed booking.");
            }

            clock.Restart();
            await ReadAsync(warm);
            unchanged.Add(clock.Elapsed.TotalMilliseconds);
        }

        var count = text.Split("\r\nBEGIN:VEVENT\r\n").Length - 1;
        if (count != events)
        {
            throw new BenchmarkFailedException($"The feed holds {count} events, not {events}.");
        }

        output.WriteLine($"BookingPortal feed benchmark: {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, {database.Description}");
        output.WriteLine($"  one user's feed with {events} events, {Encoding.UTF8.GetByteCount(text) / 1024} KB, {Reads} reads after 3 warm-up reads");
        void Report(string what, List<double> times) =>
            output.WriteLine($"  {what}: p50 {Stats.Percentile(times, 50):F0} ms, p95 {Stats.Percentile(times, 95):F0} ms, max {times.Max():F0} ms");
        Report("first read (nothing kept: query, map, serialise)", first);
        Report("one booking changed since the last read", changed);
        Report("unchanged (query, digest, kept text)", unchanged);
        output.WriteLine($"  target, a changed feed well under 1000 ms at p95: {(Stats.Percentile(changed, 95) < 1000 ? "met" : "MISSED")}; " +
            $"first read / changed p50 ratio {Stats.Percentile(first, 50) / Stats.Percentile(changed, 50):F1}");
    }
}
