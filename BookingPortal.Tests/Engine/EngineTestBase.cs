using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Tests.Support;

namespace BookingPortal.Tests.Engine;

/// <summary>Each engine test class gets its own migrated database; each test seeds its own venue inside it.</summary>
public abstract class EngineTestBase(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    protected static readonly DateOnly Monday = new(2027, 3, 1);

    protected EngineHarness Harness { get; } = new(database.ConnectionString);

    protected BookingEngine Engine => Harness.Engine;

    protected static CreateBookingCommand Request(TimeRange range, params Guid[] resourceIds) =>
        new(resourceIds, range.Start, range.End, "Planning", AttendeeCount: 2);

    protected static BookingSnapshot Booked(BookingResult result) =>
        Assert.IsType<BookingResult.Success>(result).Booking;

    protected static ConflictDetails Conflicted(BookingResult result) =>
        Assert.IsType<BookingResult.Conflict>(result).Details;
}
