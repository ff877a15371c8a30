using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using BookingPortal.Infrastructure.Reports;

namespace BookingPortal.Tests.Engine;

/// <summary>
/// Writers of a resource queue on its slot lock (ADR 003): a one-resource save gets it from the allocations trigger,
/// wider work from <see cref="SlotLocks"/>, and both must be the same lock, taken in one order.
/// </summary>
public class SlotLockTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Fact]
    public async Task A_create_waits_while_another_transaction_holds_its_resources_slot_lock()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Held"));
        var room = venue["Held"];
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await SlotLocks.LockAsync(db, [room.Id], default);

        var create = Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), room.Id), TestData.Alice);
        await Eventually.HoldsAsync(async () => await WaitingForSlotLocksAsync() == 1, "the create waits for the slot lock");
        Assert.False(create.IsCompleted);

        await transaction.CommitAsync();
        Booked(await create);
    }

    [Fact]
    public async Task Two_resource_creates_naming_the_rooms_in_opposite_orders_finish_without_a_deadlock()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("North");
            v.Room("South");
        });
        var (north, south) = (venue["North"].Id, venue["South"].Id);
        var opening = venue.At(Monday, "07:00", "07:15");
        var log = new RecordingLogger();
        var engine = new BookingEngine(Harness.Contexts, Harness.Snapshots, Harness.Clock, log, new DemandLog(Harness.Contexts, Harness.Clock));

        // Distinct slots, so nothing conflicts: every create holds one room's lock while it asks for the other's.
        using var start = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync();
            Guid[] rooms = i % 2 == 0 ? [north, south] : [south, north];
            var slot = opening.Shift(TimeSpan.FromMinutes(15 * i));
            return await engine.CreateAsync(Request(slot, rooms), TestData.Alice with { UserId = $"user-{i}" });
        })).ToList();
        start.Release(attempts.Count);
        var results = await Task.WhenAll(attempts);

        Assert.All(results, r => Assert.IsType<BookingResult.Success>(r));
        Assert.DoesNotContain(log.Messages, m => m.StartsWith("Deadlock", StringComparison.Ordinal));
        Assert.Equal(24, await Harness.HoldingAllocationsAsync(north));
        Assert.Equal(24, await Harness.HoldingAllocationsAsync(south));
    }

    private async Task<long> WaitingForSlotLocksAsync()
    {
        await using var connection = new NpgsqlConnection(Harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
            WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()
            """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class RecordingLogger : ILogger<BookingEngine>
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return _messages.ToList();
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }
    }
}
