using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Admin;

/// <summary>The admin services over a migrated database of the test class, with the engine and a clock the test controls.</summary>
public abstract class AdminTestBase : IClassFixture<DatabaseFixture>
{
    protected static readonly DateOnly Monday = new(2027, 3, 1);

    protected AdminTestBase(DatabaseFixture database)
    {
        Harness = new EngineHarness(database.ConnectionString);
        Locations = new LocationAdministration(Harness.Contexts, Harness.Snapshots);
        Resources = new ResourceAdministration(Harness.Contexts, Harness.Snapshots);
        Maintenance = new MaintenanceAdministration(Harness.Contexts, Harness.Engine, Harness.Clock);
        Catalog = new ResourceCatalog(Harness.Contexts);
    }

    protected EngineHarness Harness { get; }
    protected BookingEngine Engine => Harness.Engine;
    protected LocationAdministration Locations { get; }
    protected ResourceAdministration Resources { get; }
    protected MaintenanceAdministration Maintenance { get; }
    protected ResourceCatalog Catalog { get; }

    protected static T Ok<T>(AdminResult<T> result) => Assert.IsType<AdminResult<T>.Ok>(result).Value;

    protected static IReadOnlyDictionary<string, string[]> Invalid<T>(AdminResult<T> result) => Assert.IsType<AdminResult<T>.Invalid>(result).Errors;

    protected static BookingSnapshot Booked(BookingResult result) => Assert.IsType<BookingResult.Success>(result).Booking;

    protected static CreateBookingCommand Request(TimeRange range, params Guid[] resourceIds) =>
        new(resourceIds, range.Start, range.End, "Planning", AttendeeCount: 1);

    protected static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
