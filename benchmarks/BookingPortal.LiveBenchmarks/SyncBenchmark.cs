using System.Diagnostics;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Google;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Tests.Fakes.GoogleCalendar;
using BookingPortal.Tests.Fakes.Graph;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace BookingPortal.Benchmarks;

/// <summary>
/// Calendar sync against the tests' fake Google Calendar and fake Microsoft 365 on loopback, through the real
/// providers, outbox and clustered jobs: how long one committed booking takes to be stored as an event there, and
/// whether a burst of changes with a share of throttled and failed provider requests ends with every calendar exactly
/// matching the bookings here, and how long the outbox takes to drain.
/// </summary>
internal static class SyncBenchmark
{
    private static readonly Actor Writer = new("bench-sync-writer", "writer@bench.test", Roles.Staff);

    public static async Task RunAsync(SyncBenchOptions options, BenchDatabase database, TextWriter output)
    {
        var contexts = new PooledDbContextFactory<BookingDbContext>(
            new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(database.ConnectionString).Options);
        var venue = await BenchVenue.SeedAsync(contexts, options.Rooms, DateTimeOffset.UtcNow);
        output.WriteLine($"BookingPortal calendar sync benchmark: {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, " +
            $"PostgreSQL {await database.ServerVersionAsync(CancellationToken.None)}, {database.Description}");

        await using var google = await FakeGoogleCalendar.StartAsync();
        using var account = FakeServiceAccount.Create();
        google.Trust(account);
        await using var graph = await FakeGraph.StartAsync();
        var rooms = venue.Resources.Select((r, i) => new LinkedRoom(r.Id, i % 2 == 0 ? "google" : "microsoft",
            i % 2 == 0 ? $"c_bench{i:D4}@resource.calendar.google.com" : $"bench-room-{i:D4}@contoso.example")).ToList();
        foreach (var room in rooms)
        {
            if (room.Provider == "google")
            {
                google.AddCalendar(room.CalendarId, $"Bench room {room.CalendarId}", timeZone: "Etc/UTC");
            }
            else
            {
                graph.AddRoom(room.CalendarId, $"Bench room {room.CalendarId}");
            }
        }

        // The product's own intervals: the push is woken by the change notification; the 30 s sweep is only a backstop.
        using var app = BenchApp.Start(database.ConnectionString, new Dictionary<string, string>
        {
            ["Scheduling:Enabled"] = "true",
            ["Sync:Google:ServiceAccountKeyFile"] = account.KeyFile,
            ["Sync:Google:ImpersonateUser"] = "sync-admin@bench.test",
            ["Sync:Google:TokenUrl"] = google.TokenUrl,
            ["Sync:Google:ApiBaseUrl"] = google.ApiBaseUrl,
            ["Sync:Microsoft:TenantId"] = FakeGraph.TenantId,
            ["Sync:Microsoft:ClientId"] = FakeGraph.ClientId,
            ["Sync:Microsoft:ClientSecret"] = FakeGraph.ClientSecret,
            ["Sync:Microsoft:Authority"] = graph.Authority.AbsoluteUri,
            ["Sync:Microsoft:GraphBaseUrl"] = graph.GraphBaseUrl.AbsoluteUri,
        }, services => services.AddHttpClient(MicrosoftSyncSetup.HttpClientName).ConfigurePrimaryHttpMessageHandler(graph.CreateTrustingHandler));

        var links = app.Services.GetRequiredService<CalendarLinks>();
        foreach (var room in rooms)
        {
            if (await links.LinkAsync(room.ResourceId, room.Provider, room.CalendarId, CancellationToken.None) is not LinkOutcome.Linked)
            {
                throw new BenchmarkFailedException($"Linking {room.CalendarId} was refused.");
            }
        }

        var calendars = new FakeCalendars(google, graph);
        var engine = app.Services.GetRequiredService<BookingEngine>();
        output.WriteLine($"  {rooms.Count} rooms linked ({rooms.Count(r => r.Provider == "google")} Google, " +
            $"{rooms.Count(r => r.Provider == "microsoft")} Microsoft 365)");

        await CommitToEventAsync(options, venue, rooms, engine, calendars, output);
        await BurstAsync(options, venue, rooms, engine, calendars, google, graph, database.ConnectionString, output);
    }

    /// <summary>One booking at a time, alternating providers; each is timed from the engine's commit to the event being stored at the fake.</summary>
    private static async Task CommitToEventAsync(SyncBenchOptions options, BenchVenue venue, IReadOnlyList<LinkedRoom> rooms, BookingEngine engine,
        FakeCalendars calendars, TextWriter output)
    {
        const int warmup = 4;
        var slots = venue.Reserve(warmup + options.LatencySamples);
        var latencies = new Dictionary<string, List<double>> { ["google"] = [], ["microsoft"] = [] };
        for (var i = 0; i < warmup + options.LatencySamples; i++)
        {
            var (resource, range) = slots.For(i);
            var room = rooms.Single(r => r.ResourceId == resource.Id);
            var id = Created(await engine.CreateAsync(new CreateBookingCommand([resource.Id], range.Start, range.End, "Latency"), Writer), i);
            var committed = Stopwatch.GetTimestamp();
            while (calendars.EventsOf(room).All(e => e.BookingId != id))
            {
                if (Stopwatch.GetElapsedTime(committed) > TimeSpan.FromSeconds(60))
                {
                    throw new BenchmarkFailedException($"Booking {id} was not stored at {room.Provider} within a minute.");
                }

                await Task.Delay(2);
            }

            if (i >= warmup)
            {
                latencies[room.Provider].Add(Stopwatch.GetElapsedTime(committed).TotalMilliseconds);
            }

            // Spaced out: this measures how fast one change travels, not how many fit through at once.
            await Task.Delay(50);
        }

        var all = latencies.Values.SelectMany(l => l).ToList();
        output.WriteLine($"  commit → event stored at the fake, {all.Count} bookings one at a time: p50 {Stats.Median(all):0} ms, " +
            $"p95 {Stats.Percentile(all, 95):0} ms, max {all.Max():0} ms (target p95 < 2,000 ms); Google p95 " +
            $"{Stats.Percentile(latencies["google"], 95):0} ms, Microsoft 365 p95 {Stats.Percentile(latencies["microsoft"], 95):0} ms");
    }

    /// <summary>
    /// Creates, moves to another room and time, retitles and cancels from several writers at once while a share of
    /// provider requests answer 429 (with Retry-After), 503 or 500; then waits for the outbox to drain and compares
    /// every calendar with the bookings here.
    /// </summary>
    private static async Task BurstAsync(SyncBenchOptions options, BenchVenue venue, IReadOnlyList<LinkedRoom> rooms, BookingEngine engine,
        FakeCalendars calendars, FakeGoogleCalendar google, FakeGraph graph, string connectionString, TextWriter output)
    {
        var random = new Random(options.Seed);
        var injected = 0;
        bool Fails()
        {
            lock (random)
            {
                return random.NextDouble() < options.FaultRate;
            }
        }

        int Pick(int count)
        {
            lock (random)
            {
                return random.Next(count);
            }
        }

        google.FaultSource = _ => !Fails() ? null : (Interlocked.Increment(ref injected) % 3) switch
        {
            0 => FakeGoogleFault.TooManyRequests(TimeSpan.FromSeconds(1)),
            1 => FakeGoogleFault.ServiceUnavailable(),
            _ => FakeGoogleFault.ServerError(),
        };
        graph.FaultSource = () => !Fails() ? null : (Interlocked.Increment(ref injected) % 3) switch
        {
            0 => FakeGraphFault.Throttle(TimeSpan.FromSeconds(1)),
            1 => FakeGraphFault.Unavailable(),
            _ => FakeGraphFault.ServerError(),
        };

        var slots = venue.Reserve(options.Changes);
        var kinds = new int[4];
        var started = Stopwatch.GetTimestamp();
        // Each writer takes every Writers-th change and keeps its own bookings, so writers never touch each other's,
        // and every change gets a (room, time) of its own: the burst measures sync, never conflicts.
        await Parallel.ForAsync(0, options.Writers, async (writer, ct) =>
        {
            var mine = new List<Guid>();
            for (var change = writer; change < options.Changes; change += options.Writers)
            {
                var (resource, range) = slots.For(change);
                var kind = mine.Count < 3 ? 0 : Pick(10) switch { < 5 => 0, < 7 => 1, < 8 => 2, _ => 3 };
                Interlocked.Increment(ref kinds[kind]);
                switch (kind)
                {
                    case 0:
                        mine.Add(Created(await engine.CreateAsync(new CreateBookingCommand([resource.Id], range.Start, range.End, $"Burst {change}"), Writer, ct), change));
                        break;
                    case 1:
                        Succeeded(await engine.ChangeAsync(new ChangeBookingCommand(mine[Pick(mine.Count)], range.Start, range.End, [resource.Id]), Writer, ct), change);
                        break;
                    case 2:
                        Succeeded(await engine.ChangeAsync(new ChangeBookingCommand(mine[Pick(mine.Count)], Title: $"Renamed {change}"), Writer, ct), change);
                        break;
                    default:
                        var cancelled = mine[Pick(mine.Count)];
                        mine.Remove(cancelled);
                        Succeeded(await engine.CancelAsync(cancelled, Writer, "burst", ct: ct), change);
                        break;
                }
            }
        });
        var committed = Stopwatch.GetElapsedTime(started);
        var lastCommit = Stopwatch.GetTimestamp();

        await using var data = NpgsqlDataSource.Create(connectionString);
        while (await CountAsync(data, "SELECT count(*) FROM sync_outbox") > 0)
        {
            if (Stopwatch.GetElapsedTime(lastCommit) > TimeSpan.FromMinutes(10))
            {
                throw new BenchmarkFailedException($"The outbox still holds {await CountAsync(data, "SELECT count(*) FROM sync_outbox")} changes ten minutes after the burst.");
            }

            await Task.Delay(20);
        }

        var drained = Stopwatch.GetElapsedTime(lastCommit);
        google.FaultSource = null;
        graph.FaultSource = null;
        var mismatch = await CompareAsync(data, rooms, calendars);
        output.WriteLine($"  burst of {options.Changes} changes by {options.Writers} writers over {rooms.Count} rooms ({kinds[0]} creates, " +
            $"{kinds[1]} moves to another room and time, {kinds[2]} retitles, {kinds[3]} cancels), {options.FaultRate:P0} of provider requests failed " +
            $"({injected} injected 429/503/500): committed in {committed.TotalSeconds:0.0} s, outbox drained {drained.TotalSeconds:0.0} s after the last commit");
        output.WriteLine($"  calendars against bookings: {mismatch.Expected} events expected, {mismatch.Missing} missing or stale, " +
            $"{mismatch.Duplicates} duplicates, {mismatch.Extra} left over from moved or cancelled bookings");
        if (mismatch.Missing + mismatch.Duplicates + mismatch.Extra > 0)
        {
            throw new BenchmarkFailedException($"The calendars do not match the bookings: {mismatch}.");
        }
    }

    /// <summary>Every holding booking of a linked room is one event with its times and title in that room's calendar, and nothing else is.</summary>
    private static async Task<Mismatch> CompareAsync(NpgsqlDataSource data, IReadOnlyList<LinkedRoom> rooms, FakeCalendars calendars)
    {
        var expected = new Dictionary<(Guid Resource, Guid Booking), (DateTimeOffset Start, DateTimeOffset End, string Title)>();
        await using (var command = data.CreateCommand("""
            SELECT a.resource_id, b.id, b.start_utc, b.end_utc, b.title
            FROM bookings b JOIN allocations a ON a.booking_id = b.id
            WHERE a.holds AND b.outside_external_id IS NULL AND b.owner_id = @owner
            """))
        {
            command.Parameters.AddWithValue("owner", Writer.UserId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                expected[(reader.GetGuid(0), reader.GetGuid(1))] =
                    (reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4));
            }
        }

        int missing = 0, duplicates = 0, extra = 0;
        foreach (var room in rooms)
        {
            var events = calendars.EventsOf(room);
            duplicates += events.GroupBy(e => e.BookingId).Sum(g => g.Count() - 1);
            extra += events.Count(e => e.BookingId is not { } id || !expected.ContainsKey((room.ResourceId, id)));
            missing += expected.Where(x => x.Key.Resource == room.ResourceId).Count(x => !events.Any(e =>
                e.BookingId == x.Key.Booking && e.Start == x.Value.Start && e.End == x.Value.End && e.Title == x.Value.Title));
        }

        return new Mismatch(expected.Count, missing, duplicates, extra);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static Guid Created(BookingResult result, int index) =>
        result is BookingResult.Success success ? success.Booking.Id : throw new BenchmarkFailedException($"Booking {index} failed: {result}");

    private static void Succeeded(BookingResult result, int index)
    {
        if (result is not BookingResult.Success)
        {
            throw new BenchmarkFailedException($"Change {index} failed: {result}");
        }
    }

    private sealed record LinkedRoom(Guid ResourceId, string Provider, string CalendarId);

    private sealed record Mismatch(int Expected, int Missing, int Duplicates, int Extra);

    private sealed record CalendarEvent(Guid? BookingId, DateTimeOffset? Start, DateTimeOffset? End, string? Title);

    /// <summary>Both fakes' stored events in one shape, each with the booking id our marker carries.</summary>
    private sealed class FakeCalendars(FakeGoogleCalendar google, FakeGraph graph)
    {
        public IReadOnlyList<CalendarEvent> EventsOf(LinkedRoom room) => room.Provider == "google"
            ? google.Events(room.CalendarId).Select(e => new CalendarEvent(
                Marker(e.PrivateProperties.GetValueOrDefault(GoogleCalendarProvider.BookingIdProperty)), e.Start, e.End, e.Summary)).ToList()
            : graph.Events(room.CalendarId).Select(e => new CalendarEvent(
                Marker(e.ExtendedProperties.GetValueOrDefault(MicrosoftCalendarProvider.BookingIdProperty)), e.Start, e.End, e.Subject)).ToList();

        private static Guid? Marker(string? value) => Guid.TryParse(value, out var id) ? id : null;
    }
}
