using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using Npgsql;
using NpgsqlTypes;

namespace BookingPortal.Benchmarks;

/// <summary>
/// The hand-written baseline: the rows the engine stores for a new confirmed booking (booking, allocation, history),
/// with the columns EF writes, in one transaction and a single batch, so it costs two round trips (batch, commit).
/// </summary>
internal sealed class RawBookingWriter(NpgsqlDataSource dataSource)
{
    private const string InsertBooking = """
        INSERT INTO bookings (id, owner_id, owner_email, title, attendee_count, start_utc, end_utc, status, series_id,
                              idempotency_key, request_hash, created_at, checked_in_at, revision, status_reason)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        RETURNING xmin
        """;

    private const string InsertAllocation = """
        INSERT INTO allocations (id, resource_id, booking_id, maintenance_block_id, blocked_start, blocked_end, holds)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """;

    private const string InsertHistory = """
        INSERT INTO booking_history (id, booking_id, at, actor_id, action, from_status, to_status, detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """;

    public async Task CreateAsync(Actor owner, string title, int attendeeCount, Resource resource, TimeRange range, DateTimeOffset now,
        CancellationToken ct)
    {
        var bookingId = Guid.CreateVersion7();
        var blocked = resource.BlockedRangeFor(range);
        var status = nameof(BookingStatus.Confirmed);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command(InsertBooking,
                    Value(bookingId), Value(owner.UserId), Value(owner.Email), Value(title), Value(attendeeCount), Value(range.Start),
                    Value(range.End), Value(status), Null(NpgsqlDbType.Uuid), Null(NpgsqlDbType.Text), Null(NpgsqlDbType.Text),
                    Value(now), Null(NpgsqlDbType.TimestampTz), Value(1), Null(NpgsqlDbType.Text)),
                Command(InsertAllocation,
                    Value(Guid.CreateVersion7()), Value(resource.Id), Value(bookingId), Null(NpgsqlDbType.Uuid), Value(blocked.Start),
                    Value(blocked.End), Value(true)),
                Command(InsertHistory,
                    Value(Guid.CreateVersion7()), Value(bookingId), Value(now), Value(owner.UserId), Value("created"),
                    Null(NpgsqlDbType.Text), Value(status), Null(NpgsqlDbType.Text)),
            },
        };

        var inserted = await batch.ExecuteNonQueryAsync(ct);
        if (inserted != 3)
        {
            throw new BenchmarkFailedException($"The raw insert stored {inserted} rows instead of 3.");
        }

        await transaction.CommitAsync(ct);
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    private static NpgsqlParameter Null(NpgsqlDbType type) => new() { NpgsqlDbType = type, Value = DBNull.Value };
}
