using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace BookingPortal.Benchmarks;

/// <summary>
/// Random creates, moves, cancels, check-ins and series edits from several clients over two app processes for a set
/// time, while PostgreSQL is stopped in immediate mode once and one instance is SIGKILLed and started again; then the
/// database is checked with plain SQL against every answer the clients got (issue 14, item 6).
/// </summary>
internal static class ChaosBenchmark
{
    private const string Password = "Bench!Chaos2026";

    private static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(1);
    // As in the fault tests: long enough that a busy machine's pauses do not get a live instance written off.
    private static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PassInterval = TimeSpan.FromSeconds(1);
    // How long a create that had no clear answer when the time was up may keep retrying.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(30);

    public static async Task<bool> RunAsync(ChaosOptions options, BenchDatabase database, TextWriter output)
    {
        var cluster = database.Cluster
            ?? throw new BenchmarkFailedException("The chaos run stops and starts PostgreSQL, so it needs its own cluster: unset BENCH_CONNECTION.");
        await KeepAcknowledgedCommitsAsync(database.ConnectionString);
        var contexts = new PooledDbContextFactory<BookingDbContext>(
            new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(database.ConnectionString).Options);
        var venue = await BenchVenue.SeedAsync(contexts, options.Resources, DateTimeOffset.UtcNow);
        var emails = Enumerable.Range(1, options.Clients).Select(i => $"chaos{i}@bench.test").ToList();
        await using (var identity = BenchUsers.IdentityOn(database.ConnectionString))
        {
            foreach (var email in emails)
            {
                await BenchUsers.EnsureStaffAsync(identity, $"bench-{email}", email, Password);
            }
        }

        output.WriteLine($"BookingPortal chaos run: {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, " +
            $"PostgreSQL {await database.ServerVersionAsync(CancellationToken.None)}, {database.Description}");
        output.WriteLine($"  {options.Clients} clients, {options.Resources} rooms, {options.Duration.TotalSeconds:0} s (seed {options.Seed}); " +
            $"PostgreSQL stopped at {options.OutageAt.TotalSeconds:0} s for {options.Outage.TotalSeconds:0} s, instance b killed at " +
            $"{options.KillAt.TotalSeconds:0} s and started again {options.KillDowntime.TotalSeconds:0} s later");

        await using var a = new ChaosInstance("a", await AppProcess.StartAsync(database.ConnectionString, Settings()));
        await using var b = new ChaosInstance("b", await AppProcess.StartAsync(database.ConnectionString, Settings()));
        ChaosInstance[] instances = [a, b];
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(20),
        };
        var tokens = new List<string>();
        for (var i = 0; i < emails.Count; i++)
        {
            tokens.Add(await SignInAsync(http, instances[i % 2], emails[i]));
        }

        // From here on the ledger's clock is the run's: every time in the report counts from the start of the load.
        var ledger = new ChaosLedger();
        var chaosVenue = new ChaosVenue([.. venue.Resources.Select(r => r.Id)]);
        var clients = tokens.Select((token, i) => new ChaosClient($"c{i + 1}", token, instances, http, ledger, chaosVenue, options.Seed + i)).ToList();

        using var stop = new CancellationTokenSource();
        using var giveUp = new CancellationTokenSource();
        Task At(TimeSpan offset) => Task.Delay(offset - ledger.Now is var rest && rest > TimeSpan.Zero ? rest : TimeSpan.Zero);
        var running = clients.Select(c => Task.Run(() => c.RunAsync(stop.Token, giveUp.Token))).ToList();

        await At(options.OutageAt);
        ledger.Mark("postgres stopped");
        await PostgresOutage.StopImmediatelyAsync(cluster);
        await Task.Delay(options.Outage);
        ledger.Mark("postgres starting");
        await PostgresOutage.StartAgainAsync(cluster);
        ledger.Mark("postgres started");

        await At(options.KillAt);
        ledger.Mark("b killed");
        b.Kill();
        await Task.Delay(options.KillDowntime);
        ledger.Mark("b starting");
        b.Replace(await AppProcess.StartAsync(database.ConnectionString, Settings()));
        ledger.Mark("b ready");

        await At(options.Duration);
        await stop.CancelAsync();
        ledger.Mark("load stopped");
        giveUp.CancelAfter(SettleTime);
        await Task.WhenAll(running);
        ledger.Mark("settled");

        var checks = await ChaosChecks.RunAsync(database.ConnectionString, ledger);
        ChaosReport.Write(output, ledger, checks, instances);
        return checks.All(c => c.Failures == 0);
    }

    /// <summary>
    /// The throwaway cluster runs with synchronous_commit off for speed, so an immediate stop would drop commits it had
    /// already acknowledged; a production server never does. Turned on for this database, the check measures the app.
    /// </summary>
    private static async Task KeepAcknowledgedCommitsAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var data = NpgsqlDataSource.Create(connectionString);
        await using var command = data.CreateCommand($"ALTER DATABASE \"{name}\" SET synchronous_commit = on");
        await command.ExecuteNonQueryAsync();
    }

    private static Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>
        {
            ["Database:MigrateOnStartup"] = "false",
            ["RateLimiting:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Scheduling:Enabled"] = "true",
            ["Scheduling:ClusterCheckinInterval"] = CheckinInterval.ToString(),
            ["Scheduling:ClusterCheckinMisfireThreshold"] = CheckinMisfireThreshold.ToString(),
        };
        foreach (var pass in new[] { "Promotion", "NoShow", "Completion", "Expiry", "Email", "ReportUsage", "LiveEventPrune" })
        {
            settings[$"Scheduling:{pass}Interval"] = PassInterval.ToString();
        }

        return settings;
    }

    private static async Task<string> SignInAsync(HttpClient http, ChaosInstance instance, string email)
    {
        using var response = await http.PostAsJsonAsync(new Uri(instance.BaseAddress, "/api/auth/login"), new { email, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()
            ?? throw new BenchmarkFailedException(string.Create(CultureInfo.InvariantCulture, $"No access token for {email}."));
    }
}
