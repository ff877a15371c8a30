using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingPortal.Infrastructure.Live;

/// <summary>
/// The <c>live_events</c> table of migration 0016: every announced change with the id its NOTIFY carried, handed out in
/// commit order (ADR 016), kept for a bounded window so a reconnecting stream can be given what it missed.
/// </summary>
public sealed class LiveEventLog(NpgsqlDataSource dataSource, IOptions<LiveEventOptions> options, TimeProvider time)
{
    /// <summary>
    /// The events of <paramref name="types"/> committed after <paramref name="after"/>, oldest first; null when that
    /// position cannot be resumed from: events after it were already pruned, or no such id was ever handed out.
    /// </summary>
    public async Task<IReadOnlyList<LiveEvent>?> ReadAfterAsync(long after, IReadOnlyCollection<string> types, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the horizon and the rows: a prune committing in between cannot cut a hole unnoticed.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        long prunedThrough, newest;
        await using (var bounds = new NpgsqlCommand(
            "SELECT h.pruned_through, coalesce((SELECT max(id) FROM live_events), 0) FROM live_event_horizon h", connection, transaction))
        await using (var reader = await bounds.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (prunedThrough, newest) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (after < prunedThrough || after > Math.Max(prunedThrough, newest))
        {
            return null;
        }

        var events = new List<LiveEvent>();
        await using (var query = new NpgsqlCommand("""
            SELECT id, type, row_id, user_id, resource_ids, location_ids FROM live_events
            WHERE id > $1 AND type = ANY ($2) ORDER BY id
            """, connection, transaction))
        {
            query.Parameters.Add(new NpgsqlParameter { Value = after });
            query.Parameters.Add(new NpgsqlParameter { Value = types.ToArray() });
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                events.Add(new LiveEvent(reader.GetString(1), reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetFieldValue<Guid[]>(4), reader.GetFieldValue<Guid[]>(5)) { EventId = reader.GetInt64(0) });
            }
        }

        await transaction.CommitAsync(ct);
        return events;
    }

    /// <summary>Deletes the events outside the replay window and moves the horizon past them; returns how many went.</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        var window = options.Value;
        await using var command = dataSource.CreateCommand("""
            WITH cut AS (
                -- Always a prefix of the ids, so everything up to the horizon is gone and everything after it is kept.
                SELECT greatest(
                    (SELECT max(id) FROM live_events WHERE committed_at < $1),
                    (SELECT id FROM live_events ORDER BY id DESC OFFSET $2 LIMIT 1)) AS through
            ), gone AS (
                DELETE FROM live_events e USING cut WHERE e.id <= cut.through RETURNING e.id
            ), moved AS (
                UPDATE live_event_horizon h SET pruned_through = greatest(h.pruned_through, cut.through)
                FROM cut WHERE cut.through IS NOT NULL
            )
            SELECT count(*)::int FROM gone
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - window.ReplayWindow });
        command.Parameters.Add(new NpgsqlParameter { Value = window.ReplayMaxEvents });
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }
}
