using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Calendars.Invitations;
using BookingPortal.Infrastructure.Notifications;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Scheduling;

/// <summary>Two app instances with their schedulers on one database, as a scaled-out deployment runs them.</summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private static readonly DateOnly Monday = new(2027, 3, 1);

    private readonly SmtpSink _sink = new();
    private readonly JobRuns _runs = new();
    private readonly ManualTimeProvider _clock = new(EngineHarness.DefaultNow);
    private readonly List<SchedulerApp> _apps = [];
    private EngineHarness _harness = null!;

    public async Task InitializeAsync() => _harness = new EngineHarness(await TestDatabase.CreateMigratedDatabaseAsync("cluster"));

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }

        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task Two_instances_run_each_firing_once_so_slots_are_released_promoted_and_mailed_once()
    {
        const int rooms = 4;
        var venue = await _harness.SeedVenueAsync(v =>
        {
            for (var i = 0; i < rooms; i++)
            {
                v.Room($"Focus {i}").WithRules(r => r with { RequiresCheckIn = true });
            }
        });
        var missed = new List<Guid>();
        var waiting = new List<Guid>();
        foreach (var room in venue.Resources.Values)
        {
            missed.Add(Booked(await _harness.Engine.CreateAsync(Request(venue.At(Monday, "10:00", "12:00"), room.Id), TestData.Alice)));
            waiting.Add(Assert.IsType<BookingResult.Queued>(await _harness.Engine.CreateAsync(
                Request(venue.At(Monday, "11:00", "12:00"), room.Id) with { JoinWaitlist = true }, TestData.Bob)).Booking.Id);
        }

        _clock.Set(venue.At(Monday, "10:16", "10:17").Start);
        // Both start at once, so both also race to provision Quartz's tables.
        var a = Add("a");
        var b = Add("b");
        await Task.WhenAll(Task.Run(a.Start), Task.Run(b.Start));

        await Eventually.HoldsAsync(async () => await StatusesAsync(waiting) is var s && s.All(x => x == BookingStatus.Confirmed),
            "every waiting request is promoted");
        await Eventually.HoldsAsync(
            async () => await UnmailedAsync() == 0 && await NotificationCountAsync() == 2 * rooms && await UninvitedAsync() == 0,
            "every notification and calendar invitation is mailed");
        var settled = DateTimeOffset.UtcNow;
        await Eventually.HoldsAsync(() => Task.FromResult(_runs.Count("email-delivery", settled) >= 2 && _runs.Count("no-show-release", settled) >= 2),
            "both passes ran twice more after everything was done");

        Assert.All(await StatusesAsync(missed), s => Assert.Equal(BookingStatus.NoShow, s));
        foreach (var id in missed)
        {
            Assert.Single(await _harness.HistoryAsync(id), h => h.Action == "no_show");
        }

        foreach (var id in waiting)
        {
            Assert.Single(await _harness.HistoryAsync(id), h => h.Action == "promoted");
        }

        var mailed = _sink.HeaderValues(EmailOutbox.NotificationHeader);
        Assert.Equal(2 * rooms, mailed.Count);
        Assert.Equal((await NotificationIdsAsync()).Order(), mailed.Select(Guid.Parse).Order());
        // Bob's promotions are each mailed once. Alice's bookings are mailed once, or not at all where the no-show came
        // first (a booking gone before its first invitation is in no calendar); a no-show itself sends none.
        var invited = _sink.HeaderValues(InvitationOutbox.InvitationHeader).Select(Guid.Parse).ToList();
        var invitations = await InvitationsAsync();
        Assert.Equal(invited.Distinct(), invited);
        Assert.Equal(2 * rooms, invitations.Count);
        Assert.Equal(waiting.Order(),
            invitations.Where(i => invited.Contains(i.Id) && waiting.Contains(i.BookingId)).Select(i => i.BookingId).Order());
        var runs = _runs.All;
        Assert.All(runs, r => Assert.Null(r.Error));
        Assert.All(runs.GroupBy(r => (r.Job, r.ScheduledFor)), firing => Assert.Single(firing));
    }

    [Fact]
    public async Task An_instance_stopped_in_the_middle_of_a_run_leaves_the_other_to_carry_on_with_that_job()
    {
        var venue = await _harness.SeedVenueAsync(v => v.Room("Popular"));
        var slot = venue.At(Monday, "10:00", "11:00");
        Booked(await _harness.Engine.CreateAsync(Request(slot, venue["Popular"].Id), TestData.Alice));
        var stale = Assert.IsType<BookingResult.Queued>(await _harness.Engine.CreateAsync(
            Request(slot, venue["Popular"].Id) with { JoinWaitlist = true }, TestData.Bob)).Booking.Id;
        _clock.Set(slot.Start.AddHours(-1));

        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = Add("a");
        a.BeforeRun = async context =>
        {
            if (context.JobDetail.Key.Name == "expiry" && entered.TrySetResult())
            {
                await release.Task.WaitAsync(TimeSpan.FromMinutes(5));
            }
        };
        var b = Add("b");
        try
        {
            await Task.WhenAll(Task.Run(a.Start), Task.Run(b.Start));
            await entered.Task.WaitAsync(Eventually.DefaultTimeout);
            var held = DateTimeOffset.UtcNow;
            _clock.Set(slot.Start);

            // While a holds its expiry run, b goes on with the other jobs but not with that one.
            await Eventually.HoldsAsync(() => Task.FromResult(_runs.Count("wait-list-promotion", held) >= 3), "other jobs ran meanwhile");
            Assert.DoesNotContain(_runs.All, r => r.Job == "expiry" && r.FinishedAt > held);
            Assert.Equal([BookingStatus.Pending], await StatusesAsync([stale]));

            // As good as a crash: a stops checking in and never reports its run finished.
            await a.Scheduler.Shutdown(waitForJobsToComplete: false);
            var stopped = DateTimeOffset.UtcNow;

            await Eventually.HoldsAsync(async () => await StatusesAsync([stale]) is [BookingStatus.Expired], "b takes over and expires the request");
            Assert.Contains(_runs.All, r => r is { Instance: "b", Job: "expiry" } && r.FinishedAt > stopped);
            Assert.DoesNotContain(_runs.All, r => r.Instance == "a" && r.FinishedAt > stopped);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    private SchedulerApp Add(string name)
    {
        var app = new SchedulerApp(name, _harness.ConnectionString, _clock, _sink, _runs);
        _apps.Add(app);
        return app;
    }

    private static CreateBookingCommand Request(TimeRange range, Guid resourceId) => new([resourceId], range.Start, range.End, "Planning", 2);

    private static Guid Booked(BookingResult result) => Assert.IsType<BookingResult.Success>(result).Booking.Id;

    private async Task<List<BookingStatus>> StatusesAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var db = await _harness.Contexts.CreateDbContextAsync();
        return await db.Bookings.Where(b => ids.Contains(b.Id)).Select(b => b.Status).ToListAsync();
    }

    private async Task<int> UnmailedAsync()
    {
        await using var db = await _harness.Contexts.CreateDbContextAsync();
        return await db.Notifications.CountAsync(n => n.EmailedAt == null);
    }

    private async Task<int> NotificationCountAsync()
    {
        await using var db = await _harness.Contexts.CreateDbContextAsync();
        return await db.Notifications.CountAsync();
    }

    private async Task<int> UninvitedAsync()
    {
        await using var db = await _harness.Contexts.CreateDbContextAsync();
        return await db.Set<CalendarInvitation>().CountAsync(i => i.SentAt == null);
    }

    private async Task<List<CalendarInvitation>> InvitationsAsync()
    {
        await using var db = await _harness.Contexts.CreateDbContextAsync();
        return await db.Set<CalendarInvitation>().AsNoTracking().ToListAsync();
    }

    private async Task<List<Guid>> NotificationIdsAsync()
    {
        await using var db = await _harness.Contexts.CreateDbContextAsync();
        return await db.Notifications.Select(n => n.Id).ToListAsync();
    }
}
