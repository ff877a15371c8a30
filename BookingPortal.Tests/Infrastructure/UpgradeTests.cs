using BookingPortal.Infrastructure.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingPortal.Tests.Infrastructure;

/// <summary>
/// Installed venues upgrade with data in their tables, which an empty test database never shows: DDL after a data
/// fix-up, constraints that old rows violate, triggers firing on backfills.
/// </summary>
public class UpgradeTests
{
    private const string FirstRelease = "0002_identity";

    [Fact]
    public async Task Later_migrations_apply_over_a_database_that_holds_bookings_of_the_first_release()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("upgrade");
        await SqlMigrator.MigrateAsync(connectionString, NullLogger.Instance, upTo: FirstRelease);
        await ExecuteAsync(connectionString, """
            INSERT INTO locations (id, name, time_zone_id) VALUES ('00000000-0000-0000-0000-00000000000a', 'Old office', 'Europe/Berlin');
            INSERT INTO floors (id, location_id, name, sort_order, plan_width, plan_height)
                VALUES ('00000000-0000-0000-0000-00000000000f', '00000000-0000-0000-0000-00000000000a', 'Ground', 0, 100, 50);
            INSERT INTO resources (id, location_id, floor_id, kind, name, capacity, shape, buffer_before, buffer_after,
                                   min_duration, max_duration, horizon, requires_approval, requires_check_in, is_active)
                VALUES ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000000f',
                        'Room', 'Legacy', 4, '{"kind":"Rectangle","x":1,"y":1,"width":10,"height":10}', '0', '0', '15 minutes', '8 hours', '90 days',
                        false, false, true);
            INSERT INTO bookings (id, owner_id, owner_email, title, attendee_count, start_utc, end_utc, status, created_at)
                VALUES ('00000000-0000-0000-0000-0000000000b1', 'u1', 'u1@example.org', 'Kept', 2,
                        '2026-01-05 09:00Z', '2026-01-05 10:00Z', 'Cancelled', '2026-01-01 08:00Z');
            INSERT INTO allocations (id, resource_id, booking_id, blocked_start, blocked_end, holds)
                VALUES ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000b1',
                        '2026-01-05 09:00Z', '2026-01-05 10:00Z', false);
            INSERT INTO booking_history (id, booking_id, at, actor_id, action, to_status)
                VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1', '2026-01-01 08:00Z', 'u1', 'placed', 'Confirmed'),
                       ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000b1', '2026-01-02 08:00Z', 'u1', 'cancelled', 'Cancelled');
            """);

        await SqlMigrator.MigrateAsync(connectionString, NullLogger.Instance);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var check = new NpgsqlCommand("SELECT title, revision, changed_at FROM bookings", connection);
        await using var reader = await check.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("Kept", reader.GetString(0));
        Assert.Equal(2, reader.GetInt32(1));
        // Calendar feeds publish it as LAST-MODIFIED: the time of the booking's latest change, taken from its history.
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 8, 0, 0, TimeSpan.Zero), reader.GetFieldValue<DateTimeOffset>(2));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
