using System.Diagnostics;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingPortal.Benchmarks;

/// <summary>
/// Scale mode for the reports (issue 16): one Berlin location open weekdays 08:00–18:00 with a closure, 2,000 resources
/// on four floors, and two bookings per resource every weekday of 2029 (about a million, in the statuses a year leaves
/// behind), each report timed over that year. Target: under a second each.
/// </summary>
internal static class ReportsBenchmark
{
    private static readonly DateTimeOffset Now = new(2030, 1, 7, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly From = new(2029, 1, 1);
    private static readonly DateOnly To = new(2030, 1, 1);
    private const int Reads = 5;

    public static async Task RunAsync(int resourceCount, BenchDatabase database, TextWriter output)
    {
        await using var dataSource = BookingDataSource.Create(database.ConnectionString);
        var contexts = new PooledDbContextFactory<BookingDbContext>(new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(dataSource).Options);
        var clock = Stopwatch.StartNew();
        var location = await SeedVenueAsync(contexts, resourceCount);
        var bookings = await SeedBookingsAsync(dataSource, location.Id);
        output.WriteLine($"BookingPortal reports benchmark: {Environment.ProcessorCount} CPUs, PostgreSQL {await database.ServerVersionAsync(CancellationToken.None)}, "
            + $"{database.Description}");
        output.WriteLine($"  {resourceCount} resources, {bookings} bookings in {From:yyyy}, seeded in {clock.Elapsed.TotalSeconds:F0} s");
        clock.Restart();
        var usage = new ReportUsage(contexts, NullLogger<ReportUsage>.Instance);
        var days = await usage.RefreshStaleAsync();
        output.WriteLine($"  summary rebuilt from scratch: {days} resource-days in {clock.Elapsed.TotalSeconds:F1} s");
        await using (var vacuum = dataSource.CreateCommand("VACUUM ANALYZE report_usage"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        output.WriteLine($"  after 200 random resource-days marked stale, the next report's catch-up: {await CatchUpAsync(dataSource, usage, 200):F0} ms");

        var admin = new Actor("bench-admin", "bench-admin@example.test", Roles.Admin);
        var year = new ReportQuery(location.Id, From, To);
        var time = new FixedTimeProvider(Now);
        var reports = new (string Name, Func<Task<int>> Run)[]
        {
            ("utilization per resource", () => Count(new UtilizationReport(contexts).RunAsync(year, admin))),
            ("utilization per floor", () => Count(new UtilizationReport(contexts).RunAsync(year with { GroupBy = ReportGrouping.Floor }, admin))),
            ("heatmap", () => Count(new OccupancyHeatmap(contexts).RunAsync(year, admin))),
            ("attendance per resource", () => Count(new AttendanceReport(contexts, time).RunAsync(year, admin))),
            ("right-sizing", () => Count(new RightSizingReport(contexts).RunAsync(year, admin))),
            ("demand", () => Count(new DemandReport(contexts).RunAsync(year, admin))),
            ("weekly trend", () => Count(new WeeklyTrend(contexts).RunAsync(year, admin))),
            ("raw booking facts (export)", () => Count(new BookingFacts(contexts).RunAsync(year, admin))),
        };

        foreach (var (name, run) in reports)
        {
            var rows = await run();
            var times = new List<double>();
            for (var i = 0; i < Reads; i++)
            {
                clock.Restart();
                await run();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            var median = Stats.Median(times);
            output.WriteLine($"  {name,-28} {rows,8} rows  median {median,7:F0} ms  max {times.Max(),7:F0} ms  (target < 1000 ms: {(median < 1000 ? "met" : "MISSED")})");
        }
    }

    /// <summary>What a report pays on top when writes came in since the last refresh.</summary>
    private static async Task<double> CatchUpAsync(NpgsqlDataSource dataSource, ReportUsage usage, int days)
    {
        await using var mark = dataSource.CreateCommand(
            $"INSERT INTO report_usage_stale (resource_id, day) SELECT resource_id, day FROM report_usage ORDER BY random() LIMIT {days}");
        await mark.ExecuteNonQueryAsync();
        var clock = Stopwatch.StartNew();
        var refreshed = await usage.RefreshStaleAsync();
        return refreshed == days ? clock.Elapsed.TotalMilliseconds : throw new BenchmarkFailedException($"{refreshed} of {days} marked days were recomputed.");
    }

    private static async Task<int> Count<T>(Task<ReportResult<T>> report) =>
        await report is ReportResult<T>.Ok ok ? ok.Rows.Count : throw new BenchmarkFailedException($"A report answered {await report}.");

    private static async Task<Location> SeedVenueAsync(IDbContextFactory<BookingDbContext> contexts, int resourceCount)
    {
        var weekdays = Enum.GetValues<DayOfWeek>().Where(d => d is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            .Select(day => new OpeningInterval(day, new TimeOnly(8, 0), new TimeOnly(18, 0)));
        var location = new Location(Guid.CreateVersion7(), $"Reports {Guid.NewGuid():N}"[..16], "Europe/Berlin", weekdays);
        location.SetClosures([new Closure(new DateOnly(2029, 12, 24), new DateOnly(2029, 12, 26), "Holidays")]);
        var floors = Enumerable.Range(0, 4).Select(i => new Floor(Guid.CreateVersion7(), location.Id, $"Floor {i}", i, 100, 60)).ToList();
        int[] capacities = [4, 6, 8, 12];
        var resources = Enumerable.Range(0, resourceCount)
            .Select(i => new Resource(Guid.CreateVersion7(), location.Id, floors[i % floors.Count].Id, i % 5 == 0 ? ResourceKind.Desk : ResourceKind.Room,
                $"Space {i:D4}", i % 5 == 0 ? 1 : capacities[i % capacities.Length], i % 3 == 0 ? ["screen"] : [],
                FloorplanShape.Rectangle(i % 10 * 10, i / 10 % 6 * 10, 8, 8), BookingRules.Default with { RequiresCheckIn = i % 2 == 0 }))
            .ToList();
        await using var db = await contexts.CreateDbContextAsync();
        db.Locations.Add(location);
        db.Floors.AddRange(floors);
        db.Resources.AddRange(resources);
        await db.SaveChangesAsync();
        return location;
    }

    /// <summary>
    /// Set-based inserts: 09:00–10:00 and 13:00–14:30 local on every weekday per resource, so no two overlap on a
    /// resource and the exclusion constraint holds. The live-change and summary-marking triggers are off meanwhile: a
    /// million notifications would measure the listener, not the reports; the location is marked for a whole rebuild
    /// instead, which is what an existing database gets from migration 0015.
    /// </summary>
    private static async Task<long> SeedBookingsAsync(NpgsqlDataSource dataSource, Guid locationId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("""
            ALTER TABLE bookings DISABLE TRIGGER bookings_live_change;
            ALTER TABLE allocations DISABLE TRIGGER allocations_report_usage_mark;
            CREATE TEMP TABLE plan ON COMMIT DROP AS
            SELECT gen_random_uuid() AS id, r.id AS resource_id, r.capacity,
                   (d + s.start) AT TIME ZONE 'Europe/Berlin' AS start_utc,
                   (d + s.start + s.length) AT TIME ZONE 'Europe/Berlin' AS end_utc,
                   (random() * 100)::int AS roll, 1 + (random() * 7)::int AS attendees
            FROM resources r
            CROSS JOIN generate_series(timestamp '2029-01-01', timestamp '2029-12-31', interval '1 day') d
            CROSS JOIN (VALUES (time '09:00', interval '1 hour'), (time '13:00', interval '90 minutes')) s(start, length)
            WHERE r.location_id = @location AND extract(isodow FROM d) < 6;
            INSERT INTO bookings (id, owner_id, owner_email, title, attendee_count, start_utc, end_utc, status, created_at, checked_in_at,
                                  revision, changed_at)
            SELECT id, 'bench', 'bench@example.test', 'Bench', least(attendees, capacity), start_utc, end_utc,
                   CASE WHEN roll < 8 THEN 'Cancelled' WHEN roll < 13 THEN 'NoShow' ELSE 'Completed' END,
                   start_utc - interval '14 days',
                   CASE WHEN roll >= 13 AND roll < 70 THEN start_utc + interval '3 minutes' END,
                   0,
                   CASE WHEN roll < 8 THEN start_utc - roll * interval '7 hours' WHEN roll < 13 THEN start_utc + interval '15 minutes' ELSE end_utc END
            FROM plan;
            INSERT INTO allocations (id, resource_id, booking_id, blocked_start, blocked_end, holds)
            SELECT gen_random_uuid(), resource_id, id, start_utc, end_utc, roll >= 8 FROM plan;
            INSERT INTO booking_history (id, booking_id, at, actor_id, action, from_status, to_status)
            SELECT gen_random_uuid(), id, start_utc - roll * interval '7 hours', 'bench', 'cancelled', 'Confirmed', 'Cancelled' FROM plan WHERE roll < 8;
            INSERT INTO unmet_demand (id, location_id, what, resource_ids, resource_kind, start_utc, end_utc, attendees, recorded_at)
            SELECT gen_random_uuid(), @location, CASE WHEN g % 2 = 0 THEN 'conflict' ELSE 'empty_search' END,
                   CASE WHEN g % 2 = 0 THEN ARRAY(SELECT r.id FROM resources r WHERE r.location_id = @location ORDER BY r.id OFFSET g % 100 LIMIT 1) ELSE '{}' END, 'Room',
                   timestamptz '2029-01-01 09:00+01' + g * interval '5 hours', timestamptz '2029-01-01 10:00+01' + g * interval '5 hours', 4,
                   timestamptz '2029-01-01 08:00+01' + g * interval '5 hours'
            FROM generate_series(1, 1500) g;
            ALTER TABLE bookings ENABLE TRIGGER bookings_live_change;
            ALTER TABLE allocations ENABLE TRIGGER allocations_report_usage_mark;
            INSERT INTO report_usage_stale_locations (location_id) VALUES (@location);
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid>("location", locationId));
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        await using var analyze = dataSource.CreateCommand("ANALYZE; SELECT count(*) FROM bookings WHERE owner_id = 'bench'");
        return (long)(await analyze.ExecuteScalarAsync())!;
    }
}
