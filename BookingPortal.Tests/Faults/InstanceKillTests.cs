using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Web.Live;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace BookingPortal.Tests.Faults;

/// <summary>A database with a venue open around the clock and nothing else: each test starts its own app processes.</summary>
public sealed class KilledInstanceDatabase : IAsyncLifetime
{
    public static readonly string[] Rooms = ["Aurora", "Borealis", "Cirrus", "Delta"];

    private int _slot;

    public EngineHarness Harness { get; private set; } = null!;
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public Venue Venue { get; private set; } = null!;

    /// <summary>Real time, since the processes run on the real clock; bookings start tomorrow and never collide.</summary>
    private DateTimeOffset First { get; } = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(1);

    public async Task InitializeAsync()
    {
        Harness = new EngineHarness(await TestDatabase.CreateMigratedDatabaseAsync("killed"));
        DataSource = NpgsqlDataSource.Create(Harness.ConnectionString);
        Venue = await Harness.SeedVenueAsync(v =>
        {
            v.OpenAllDay();
            foreach (var room in Rooms)
            {
                v.Room(room);
            }
        });
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();

    /// <summary>Books a fresh half hour through <paramref name="client"/>; the booking is acknowledged (201) or the test fails.</summary>
    public async Task<Guid> BookAsync(HttpClient client, string title)
    {
        var n = Interlocked.Increment(ref _slot);
        var start = First.AddMinutes(30 * (n / Rooms.Length));
        var response = await client.PostAsJsonAsync("/api/bookings", new
        {
            resourceIds = new[] { Venue[Rooms[n % Rooms.Length]].Id },
            start = start.ToString("O"),
            end = start.AddMinutes(30).ToString("O"),
            title,
            attendeeCount = 2,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<HashSet<Guid>> CommittedAsync(string title)
    {
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        return [.. await db.Bookings.Where(b => b.Title == title).Select(b => b.Id).ToListAsync()];
    }
}

/// <summary>
/// Two real app processes on one database, one of them SIGKILLed under load: streams resume on the survivor without
/// losing or repeating an event, and the scheduled passes carry on there, never two runs of a job at once.
/// </summary>
public sealed class InstanceKillTests(KilledInstanceDatabase database, ITestOutputHelper output) : IClassFixture<KilledInstanceDatabase>
{
    private const string AdminEmail = "admin@killed.test";
    private const string AdminPassword = "Killed!Password1";

    private static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(1);
    // As in the in-process cluster tests: long enough that a busy machine's pauses do not get a live instance written off.
    private static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PassInterval = TimeSpan.FromSeconds(1);

    private static readonly string[] Passes = ["wait-list-promotion", "no-show-release", "completion", "expiry", "email-delivery", "live-event-prune"];

    [Fact]
    public async Task An_event_stream_of_a_killed_instance_resumes_on_the_other_with_Last_Event_ID_missing_and_repeating_nothing()
    {
        const string title = "Streamed across a kill";
        await using var a = await AppProcess.StartAsync(database.Harness.ConnectionString, Settings(scheduling: false));
        await using var b = await AppProcess.StartAsync(database.Harness.ConnectionString, Settings(scheduling: false));
        using var viaA = await SignedInAsync(a);
        using var viaB = await SignedInAsync(b);

        var seenOnA = new List<SseEvent>();
        var acknowledged = new ConcurrentQueue<Guid>();
        await using (var streamA = await SseClient.OpenAsync(await SignedInAsync(a), "/api/events"))
        {
            for (var i = 0; i < 5; i++)
            {
                acknowledged.Enqueue(await database.BookAsync(viaA, title));
            }

            using var stop = new CancellationTokenSource();
            var writer = KeepBookingAsync(viaB, title, acknowledged, stop.Token);
            try
            {
                await ReadUntilAsync(streamA, seenOnA, acknowledged.Last());
                a.Kill();
                // B keeps committing while the client has no stream at all; what commits now no dead instance delivered.
                var atKill = acknowledged.Count;
                await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Count >= atKill + 3), "B commits while the client is away");
                seenOnA.AddRange(streamA.Drain());
                var before = acknowledged.ToHashSet();
                Assert.True(before.Except(Created(seenOnA)).Any(), "the client missed nothing while away, so nothing tests the replay");

                var lastSeen = seenOnA.Max(e => e.EventId)!.Value;
                await using var streamB = await SseClient.OpenAsync(await SignedInAsync(b), "/api/events",
                    lastSeen.ToString(CultureInfo.InvariantCulture));
                await Task.Delay(TimeSpan.FromSeconds(1));
                await stop.CancelAsync();
                await writer;
                var marker = await database.BookAsync(viaB, title);
                acknowledged.Enqueue(marker);
                var seenOnB = new List<SseEvent>();
                await ReadUntilAsync(streamB, seenOnB, marker);

                Assert.DoesNotContain(seenOnB, e => e.Name == EventStreamHub.ResyncEvent);
                var all = seenOnA.Concat(seenOnB).ToList();
                var ids = all.Select(e => e.EventId!.Value).ToList();
                Assert.Equal(ids.Order(), ids);
                Assert.Equal(ids.Count, ids.Distinct().Count());
                var created = all.Where(e => e.Name == "booking.created").Select(e => e.Id).ToList();
                Assert.Equal(created.Count, created.Distinct().Count());
                var committed = await database.CommittedAsync(title);
                Assert.Equal(committed.Order(), created.Order());
                Assert.Equal(acknowledged.Order(), created.Order());
            }
            finally
            {
                await stop.CancelAsync();
            }
        }
    }

    [Fact]
    public async Task After_an_instance_is_killed_mid_pass_the_other_runs_every_pass_within_the_check_in_threshold_and_no_pass_ever_overlaps()
    {
        const string title = "Booked while passes run";
        // Holding the horizon row's table keeps every live-event prune pass waiting inside its run, so a second run
        // of that job anywhere meanwhile would overlap the first one visibly.
        await using var holder = await database.DataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE live_event_horizon IN EXCLUSIVE MODE", holder, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        await using var a = await AppProcess.StartAsync(database.Harness.ConnectionString, Settings(scheduling: true));
        await Eventually.HoldsAsync(() => Task.FromResult(PassLog.Read(a, "a").Any(r => r is { Job: "live-event-prune", Ended: null })),
            "A is inside a prune pass");
        await using var b = await AppProcess.StartAsync(database.Harness.ConnectionString, Settings(scheduling: true));
        using var viaB = await SignedInAsync(b);
        using var stop = new CancellationTokenSource();
        var writer = KeepBookingAsync(viaB, title, new ConcurrentQueue<Guid>(), stop.Token);
        try
        {
            await Eventually.HoldsAsync(() => Task.FromResult(PassLog.Read(b, "b").Count(r => r.Ended is not null) >= 10), "B runs passes too");
            Assert.Contains(PassLog.Read(a, "a"), r => r is { Job: "live-event-prune", Ended: null });
            var killedAt = DateTimeOffset.UtcNow;
            a.Kill();

            var takeover = CheckinInterval + CheckinMisfireThreshold + PassInterval + TimeSpan.FromSeconds(10);
            await Eventually.HoldsAsync(
                () => Task.FromResult(Passes.All(job => PassLog.Read(b, "b").Any(r => r.Job == job && r.Started > killedAt))),
                $"every pass, the one A died in included, runs on B within {takeover.TotalSeconds} s of the kill", takeover);
            var tookOver = PassLog.Read(b, "b").Where(r => r.Job == "live-event-prune").Min(r => r.Started) - killedAt;
            await hold.CommitAsync();
            // A few more rounds on B alone, in which a stale claim of A's could still show up as an overlap.
            await Task.Delay(TimeSpan.FromSeconds(3));
            await stop.CancelAsync();
            await writer;

            var runs = PassLog.Read(a, "a").Select(r => r with { Ended = r.Ended ?? killedAt })
                .Concat(PassLog.Read(b, "b").Where(r => r.Ended is not null))
                .ToList();
            output.WriteLine($"A ran {runs.Count(r => r.Instance == "a")} passes, B {runs.Count(r => r.Instance == "b")}; " +
                $"B took over the prune pass {tookOver.TotalSeconds:0.0} s after the kill");
            Assert.DoesNotContain(runs, r => r.Instance == "a" && r.Started > killedAt);
            foreach (var job in runs.GroupBy(r => r.Job))
            {
                var ordered = job.OrderBy(r => r.Started).ToList();
                foreach (var (earlier, later) in ordered.Zip(ordered.Skip(1)))
                {
                    Assert.True(later.Started >= earlier.Ended,
                        $"{job.Key} ran on {later.Instance} from {later.Started:O} while its run on {earlier.Instance} from {earlier.Started:O} lasted until {earlier.Ended:O}");
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    private static Dictionary<string, string> Settings(bool scheduling)
    {
        var settings = new Dictionary<string, string>
        {
            ["Bootstrap:AdminEmail"] = AdminEmail,
            ["Bootstrap:AdminPassword"] = AdminPassword,
            ["RateLimiting:Enabled"] = "false",
            ["Scheduling:Enabled"] = scheduling ? "true" : "false",
            ["Scheduling:ClusterCheckinInterval"] = CheckinInterval.ToString(),
            ["Scheduling:ClusterCheckinMisfireThreshold"] = CheckinMisfireThreshold.ToString(),
            ["Logging:LogLevel:BookingPortal.Infrastructure.Scheduling.PassJob"] = "Debug",
        };
        foreach (var interval in new[] { "Promotion", "NoShow", "Completion", "Expiry", "Email", "LiveEventPrune" })
        {
            settings[$"Scheduling:{interval}Interval"] = PassInterval.ToString();
        }

        return settings;
    }

    private static async Task<HttpClient> SignedInAsync(AppProcess app)
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = AdminEmail, password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>Books one after another until stopped, each acknowledged booking recorded; the load the kill lands in.</summary>
    private Task KeepBookingAsync(HttpClient client, string title, ConcurrentQueue<Guid> acknowledged, CancellationToken stop) =>
        Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                acknowledged.Enqueue(await database.BookAsync(client, title));
            }
        });

    /// <summary>Takes every event into <paramref name="seen"/> until the booking.created of <paramref name="booking"/>.</summary>
    private static async Task ReadUntilAsync(SseClient stream, List<SseEvent> seen, Guid booking)
    {
        while (seen.Count == 0 || seen[^1] is not { Name: "booking.created" } last || last.Id != booking)
        {
            seen.Add(await stream.NextAsync(_ => true, TimeSpan.FromSeconds(30)));
        }
    }

    private static IEnumerable<Guid> Created(IEnumerable<SseEvent> events) => events.Where(e => e.Name == "booking.created").Select(e => e.Id);

    /// <summary>One pass as the process logged it (PassJob, at Debug); no end when the process died during it.</summary>
    private sealed record PassRun(string Instance, string Job, DateTimeOffset Started, DateTimeOffset? Ended);

    private static class PassLog
    {
        public static List<PassRun> Read(AppProcess app, string instance)
        {
            var runs = new List<PassRun>();
            var open = new Dictionary<string, DateTimeOffset>();
            foreach (var line in app.Output.Where(l => l.StartsWith('{')))
            {
                var entry = JsonDocument.Parse(line).RootElement;
                if (entry.GetProperty("Category").GetString() != "BookingPortal.Infrastructure.Scheduling.PassJob")
                {
                    continue;
                }

                var state = entry.GetProperty("State");
                var job = state.GetProperty("Job").GetString()!;
                var at = DateTimeOffset.Parse(entry.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture);
                if (state.GetProperty("{OriginalFormat}").GetString()!.Contains("started", StringComparison.Ordinal))
                {
                    open[job] = at;
                }
                else if (open.Remove(job, out var started))
                {
                    runs.Add(new PassRun(instance, job, started, at));
                }
            }

            runs.AddRange(open.Select(o => new PassRun(instance, o.Key, o.Value, null)));
            return runs;
        }
    }
}
