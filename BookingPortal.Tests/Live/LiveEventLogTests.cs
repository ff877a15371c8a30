using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using Npgsql;

namespace BookingPortal.Tests.Live;

/// <summary>Migration 0016: live-event ids become visible in the order they were handed out, so resuming after one misses nothing.</summary>
public sealed class LiveEventLogTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Fact]
    public async Task A_later_event_id_cannot_commit_while_an_earlier_one_is_still_uncommitted()
    {
        // Two locations, so the writers share no row lock and only the ordering lock can make the second one wait.
        var venue = await Harness.SeedVenueAsync(v => v.Room("Ordered"));
        var other = await Harness.SeedVenueAsync(v => v.Room("Elsewhere"));
        await using var dataSource = NpgsqlDataSource.Create(Harness.ConnectionString);
        await using var first = await dataSource.OpenConnectionAsync();
        await using var firstTransaction = await first.BeginTransactionAsync();
        await ExecuteAsync(first, "UPDATE locations SET name = name WHERE id = $1", venue.Location.Id);
        // Fires the deferred trigger now, as commit would, and keeps the transaction open: its id is drawn, not yet visible.
        await ExecuteAsync(first, "SET CONSTRAINTS ALL IMMEDIATE");
        var firstId = await NewestOwnEventAsync(first);

        var second = Task.Run(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await ExecuteAsync(connection, "UPDATE locations SET name = name WHERE id = $1", other.Location.Id);
            await ExecuteAsync(connection, "SET CONSTRAINTS ALL IMMEDIATE");
            var id = await NewestOwnEventAsync(connection);
            await transaction.CommitAsync();
            return id;
        });

        // Without the ordering lock the second writer would draw the next id and commit while the first is still open.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(second.IsCompleted, "the second writer committed an event while an earlier id was still uncommitted");
        await firstTransaction.CommitAsync();
        var secondId = await second.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(secondId > firstId, $"the later commit got id {secondId}, not more than {firstId}");
    }

    private static async Task<long> NewestOwnEventAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT max(id) FROM live_events WHERE transaction_id = pg_current_xact_id()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
