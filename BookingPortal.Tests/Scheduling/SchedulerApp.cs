using System.Collections.Concurrent;
using BookingPortal.Infrastructure.Scheduling;
using BookingPortal.Tests.Browser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Quartz.Extensibility;

namespace BookingPortal.Tests.Scheduling;

/// <summary>
/// One app instance with its scheduler switched on, short intervals, the test's clock for what is due, mail to the
/// test's sink, and a listener recording every job run under this instance's name.
/// </summary>
public sealed class SchedulerApp(string name, string connectionString, ManualTimeProvider clock, SmtpSink sink, JobRuns runs)
    : AppServer(connectionString, Settings(sink))
{
    public string Name { get; } = name;

    /// <summary>Runs before each job of this instance; a test can hold a run here to stop the instance mid-run.</summary>
    public Func<IJobExecutionContext, Task>? BeforeRun { get; set; }

    public IScheduler Scheduler => Services.GetRequiredKeyedService<IScheduler>(SchedulingSetup.SchedulerName);

    private static Dictionary<string, string> Settings(SmtpSink sink) => new()
    {
        ["Scheduling:Enabled"] = "true",
        ["Scheduling:PromotionInterval"] = "00:00:01",
        ["Scheduling:NoShowInterval"] = "00:00:01",
        ["Scheduling:CompletionInterval"] = "00:00:01",
        ["Scheduling:ExpiryInterval"] = "00:00:01",
        ["Scheduling:EmailInterval"] = "00:00:01",
        ["Scheduling:ClusterCheckinInterval"] = "00:00:01",
        // Long enough that a busy machine's pauses do not get a live instance written off.
        ["Scheduling:ClusterCheckinMisfireThreshold"] = "00:00:05",
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override void ConfigureApp(IWebHostBuilder builder) => builder.ConfigureServices(services =>
    {
        services.AddSingleton<TimeProvider>(clock);
        services.ConfigureAllQuartzSchedulers(quartz => quartz.AddJobListener(new Recorder(this, runs)));
    });

    private sealed class Recorder(SchedulerApp app, JobRuns runs) : IJobListener
    {
        public string Name => $"recorder-{app.Name}";

        public async ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            if (app.BeforeRun is { } hold)
            {
                await hold(context);
            }
        }

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            runs.Add(new JobRun(app.Name, context.JobDetail.Key.Name, context.ScheduledFireTimeUtc, DateTimeOffset.UtcNow, jobException?.Message));
            return ValueTask.CompletedTask;
        }

        public ValueTask JobProgressChanged(IJobExecutionContext context, FireInstanceProgress progress, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }
}

public sealed record JobRun(string Instance, string Job, DateTimeOffset? ScheduledFor, DateTimeOffset FinishedAt, string? Error);

/// <summary>Job runs of all instances of a test, in the order they finished.</summary>
public sealed class JobRuns
{
    private readonly ConcurrentQueue<JobRun> _runs = new();

    public IReadOnlyList<JobRun> All => _runs.ToList();

    public void Add(JobRun run) => _runs.Enqueue(run);

    public int Count(string job, DateTimeOffset? finishedAfter = null) =>
        _runs.Count(r => r.Job == job && (finishedAfter is null || r.FinishedAt > finishedAfter));
}
