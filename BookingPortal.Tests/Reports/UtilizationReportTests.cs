using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Reports;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using static BookingPortal.Tests.Reports.ReportVenue;

namespace BookingPortal.Tests.Reports;

/// <summary>
/// Utilization against figures worked out by hand. The venue, in Berlin, opens Monday to Saturday 08:00–18:00 and all
/// of Sunday; the report covers Saturday 27 to Wednesday 31 March 2027 (exclusive): Saturday 10 h, Sunday 28 March —
/// the day clocks go forward — 23 h, Monday 10 h, and Tuesday 30 closed for a holiday: 43 open hours per resource.
/// </summary>
public class UtilizationReportTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Fact]
    public async Task Utilization_counts_held_time_inside_open_hours_per_resource_and_group()
    {
        Harness.Clock.Set(new DateTimeOffset(2027, 3, 20, 8, 0, 0, TimeSpan.Zero));
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.OpenAt(ReportVenue.Hours()).ClosedOn(ReportVenue.Holiday);
            v.Room("Alpha").WithRules(r => r with { BufferBefore = TimeSpan.FromMinutes(15), BufferAfter = TimeSpan.FromMinutes(15) });
            v.Room("Beta");
            v.Desk("Desk C").WithRules(r => r with { RequiresCheckIn = true });
        });
        var (alpha, beta, desk) = (venue["Alpha"].Id, venue["Beta"].Id, venue["Desk C"].Id);

        // Alpha: 2 h, its buffers not counted.
        Booked(await Engine.CreateAsync(Request(venue.At(Saturday, "09:00", "11:00"), alpha), TestData.Alice));
        // Alpha and Beta together: 1.5 h for each.
        Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "14:00", "15:30"), alpha, beta), TestData.Alice));
        // Across the spring change: 01:00 to 04:00 on the wall clock is 2 real hours.
        Booked(await Engine.CreateAsync(Request(venue.At(Sunday, "01:00", "04:00"), alpha), TestData.Bob));
        // Cancelled: nothing.
        var cancelled = Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "08:00", "09:00"), alpha), TestData.Bob));
        Booked(await Engine.CancelAsync(cancelled.Id, TestData.Bob, "not needed"));
        // A daily series of three: 3 h.
        var (rule, _) = Recurrence.Create(RecurrenceFrequency.Daily, count: 3);
        Assert.IsType<SeriesResult.Success>(await Engine.CreateSeriesAsync(Request(venue.At(Saturday, "16:00", "17:00"), alpha), rule!, TestData.Alice));
        // Maintenance on Beta, Saturday 10:00–12:00: 2 h less open time.
        await Harness.AddBlockAsync(venue["Beta"], venue.At(Saturday, "10:00", "12:00"));
        // The desk requires check-in: nobody came, released 30 minutes in: 0.5 h.
        var noShow = Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "10:00", "12:00"), desk) with { AttendeeCount = 1 }, TestData.Bob));
        Harness.Clock.Set(noShow.Start.AddMinutes(30));
        Booked(await Engine.MarkNoShowAsync(noShow.Id, TestData.OperatorAt(venue.Location)));

        var report = new UtilizationReport(Harness.Contexts);
        var query = new ReportQuery(venue.Location.Id, Saturday, End);
        var byResource = Rows(await report.RunAsync(query, TestData.Admin));
        var byLocation = Rows(await report.RunAsync(query with { GroupBy = ReportGrouping.Location }, TestData.Admin));
        var byKind = Rows(await report.RunAsync(query with { GroupBy = ReportGrouping.Kind }, TestData.Admin));

        Assert.Equal(
            [("Alpha", 43m, 8.5m, 0.1977m), ("Beta", 41m, 1.5m, 0.0366m), ("Desk C", 43m, 0.5m, 0.0116m)],
            byResource.Select(r => (r.Name, r.OpenHours, r.BookedHours, r.Utilization!.Value)));
        Assert.Equal([(127m, 10.5m, 0.0827m)], byLocation.Select(r => (r.OpenHours, r.BookedHours, r.Utilization!.Value)));
        Assert.Equal([("Desk", 43m, 0.5m), ("Room", 84m, 10m)], byKind.Select(r => (r.Name, r.OpenHours, r.BookedHours)));
    }

    [Fact]
    public async Task A_period_with_nothing_open_has_no_utilization_and_bad_periods_name_the_field()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Weekday room"));
        var report = new UtilizationReport(Harness.Contexts);
        // The default venue is closed at weekends.
        var weekend = Rows(await report.RunAsync(new ReportQuery(venue.Location.Id, new DateOnly(2027, 3, 6), new DateOnly(2027, 3, 8)), TestData.Admin));
        var backwards = await report.RunAsync(new ReportQuery(venue.Location.Id, new DateOnly(2027, 3, 8), new DateOnly(2027, 3, 8)), TestData.Admin);
        var decade = await report.RunAsync(new ReportQuery(venue.Location.Id, new DateOnly(2027, 1, 1), new DateOnly(2037, 1, 1)), TestData.Admin);

        Assert.Equal([(0m, 0m, (decimal?)null)], weekend.Select(r => (r.OpenHours, r.BookedHours, r.Utilization)));
        Assert.Contains("to", Assert.IsType<ReportResult<UtilizationRow>.Invalid>(backwards).Errors.Keys);
        Assert.Contains("to", Assert.IsType<ReportResult<UtilizationRow>.Invalid>(decade).Errors.Keys);
    }

    [Fact]
    public async Task Only_admins_and_the_locations_operators_may_read_it()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Private"));
        var report = new UtilizationReport(Harness.Contexts);
        var query = new ReportQuery(venue.Location.Id, new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 2));

        Assert.IsType<ReportResult<UtilizationRow>.Forbidden>(await report.RunAsync(query, TestData.Alice));
        Assert.IsType<ReportResult<UtilizationRow>.Forbidden>(await report.RunAsync(query, TestData.Operator));
        Assert.IsType<ReportResult<UtilizationRow>.Ok>(await report.RunAsync(query, TestData.OperatorAt(venue.Location)));
        Assert.IsType<ReportResult<UtilizationRow>.NotFound>(await report.RunAsync(query with { LocationId = Guid.NewGuid() }, TestData.Admin));
    }

    private static IReadOnlyList<UtilizationRow> Rows(ReportResult<UtilizationRow> result) => Assert.IsType<ReportResult<UtilizationRow>.Ok>(result).Rows;
}
