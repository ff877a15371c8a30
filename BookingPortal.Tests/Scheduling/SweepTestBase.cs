using BookingPortal.Domain.Common;
using BookingPortal.Domain.Notifications;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Scheduling;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace BookingPortal.Tests.Scheduling;

/// <summary>
/// A migrated database per test: sweeps look at every booking in the database, so tests sharing one would see each
/// other's bookings fall due.
/// </summary>
public abstract class SweepTestBase : IAsyncLifetime
{
    protected static readonly DateOnly Monday = new(2027, 3, 1);

    private string? _connectionString;

    protected EngineHarness Harness { get; private set; } = null!;
    protected BookingEngine Engine => Harness.Engine;
    protected BookingSweeps Sweeps { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateMigratedDatabaseAsync("sweeps");
        Harness = new EngineHarness(_connectionString);
        Sweeps = new BookingSweeps(Harness.Contexts, Harness.Snapshots, Engine, Harness.Clock, NullLogger<BookingSweeps>.Instance);
    }

    public async Task DisposeAsync()
    {
        if (_connectionString is not null && TestDatabase.UsesExternalServer)
        {
            await TestDatabase.DropDatabaseAsync(_connectionString);
        }
    }

    protected static CreateBookingCommand Request(TimeRange range, params Guid[] resourceIds) =>
        new(resourceIds, range.Start, range.End, "Planning", AttendeeCount: 2);

    protected static BookingSnapshot Booked(BookingResult result) => Assert.IsType<BookingResult.Success>(result).Booking;

    protected static BookingSnapshot Queued(BookingResult result) => Assert.IsType<BookingResult.Queued>(result).Booking;

    protected async Task<List<NotificationKind>> KindsForAsync(string userId)
    {
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        return await db.Notifications.Where(n => n.UserId == userId).OrderBy(n => n.CreatedAt).Select(n => n.Kind).ToListAsync();
    }
}
