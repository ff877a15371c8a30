using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Reports;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using static BookingPortal.Tests.Reports.ReportVenue;
using BookingPortal.Tests.Support;

namespace BookingPortal.Tests.Reports;

/// <summary>
/// The heatmap, trend, attendance, right-sizing, demand and raw-facts reports against figures worked out by hand, on
/// the venue of <see cref="UtilizationReportTests"/>: Berlin, Monday to Saturday 08:00–18:00 and all of Sunday, the
/// window Saturday 27 to Wednesday 31 March 2027 (exclusive) with Sunday 28 the spring-forward day and Tuesday 30
/// closed. Alpha (10 seats, 15-minute buffers) and Beta (4 seats) are rooms, Desk C requires check-in.
/// </summary>
public class FigureReportsTests(DatabaseFixture database) : EngineTestBase(database)
{
    /// <summary>
    /// Held: Alpha Sat 09–11 (8 people), Alpha+Beta Mon 14:00–15:30, Alpha Sun 01:00–04:00 across the change (2 real
    /// hours), a daily series of three on Alpha 16–17 from Saturday, Desk C Mon 10–12 released as a no-show at 10:30,
    /// Desk C Mon 13–14 checked in. Cancelled: Alpha Mon 08–09 nine days ahead; on Beta Mon 11–12 four days ahead,
    /// 09–10 21 hours ahead and 08–09 half an hour ahead. Beta is under maintenance Sat 10–12.
    /// </summary>
    private async Task<Venue> SeedAsync()
    {
        Harness.Clock.Set(new DateTimeOffset(2027, 3, 20, 8, 0, 0, TimeSpan.Zero));
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.OpenAt(ReportVenue.Hours()).ClosedOn(ReportVenue.Holiday);
            v.Room("Alpha", 10).WithRules(r => r with { BufferBefore = TimeSpan.FromMinutes(15), BufferAfter = TimeSpan.FromMinutes(15) });
            v.Room("Beta", 4);
            v.Desk("Desk C").WithRules(r => r with { RequiresCheckIn = true });
        });
        var (alpha, beta, desk) = (venue["Alpha"].Id, venue["Beta"].Id, venue["Desk C"].Id);

        Booked(await Engine.CreateAsync(Request(venue.At(Saturday, "09:00", "11:00"), alpha) with { AttendeeCount = 8 }, TestData.Alice));
        Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "14:00", "15:30"), alpha, beta), TestData.Alice));
        Booked(await Engine.CreateAsync(Request(venue.At(Sunday, "01:00", "04:00"), alpha), TestData.Bob));
        var (rule, _) = Recurrence.Create(RecurrenceFrequency.Daily, count: 3);
        Assert.IsType<SeriesResult.Success>(await Engine.CreateSeriesAsync(Request(venue.At(Saturday, "16:00", "17:00"), alpha), rule!, TestData.Alice));
        await Harness.AddBlockAsync(venue["Beta"], venue.At(Saturday, "10:00", "12:00"));
        var noShow = Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "10:00", "12:00"), desk) with { AttendeeCount = 1 }, TestData.Bob));
        var came = Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "13:00", "14:00"), desk) with { AttendeeCount = 1 }, TestData.Bob));

        var early = Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "08:00", "09:00"), alpha), TestData.Bob));
        Booked(await Engine.CancelAsync(early.Id, TestData.Bob, "not needed"));
        var (fourDays, dayBefore, lastMinute) = (
            Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "11:00", "12:00"), beta), TestData.Bob)),
            Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "09:00", "10:00"), beta), TestData.Bob)),
            Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "08:00", "09:00"), beta), TestData.Bob)));
        Harness.Clock.Set(venue.At(new DateOnly(2027, 3, 25), "11:00", "12:00").Start);
        Booked(await Engine.CancelAsync(fourDays.Id, TestData.Bob, null));
        Harness.Clock.Set(venue.At(Sunday, "12:00", "13:00").Start);
        Booked(await Engine.CancelAsync(dayBefore.Id, TestData.Bob, null));
        Harness.Clock.Set(venue.At(MondayAfter, "07:30", "08:00").Start);
        Booked(await Engine.CancelAsync(lastMinute.Id, TestData.Bob, null));

        Harness.Clock.Set(noShow.Start.AddMinutes(30));
        Booked(await Engine.MarkNoShowAsync(noShow.Id, TestData.OperatorAt(venue.Location)));
        Harness.Clock.Set(came.Start.AddMinutes(5));
        Booked(await Engine.CheckInAsync(came.Id, TestData.Bob));
        Harness.Clock.Set(new DateTimeOffset(2027, 4, 1, 8, 0, 0, TimeSpan.Zero));
        return venue;
    }

    private static ReportQuery Window(Venue venue) => new(venue.Location.Id, Saturday, End);

    [Fact]
    public async Task The_heatmap_shares_each_weekday_hour_and_adds_up_to_utilization()
    {
        var venue = await SeedAsync();
        var cells = Rows(await new OccupancyHeatmap(Harness.Contexts).RunAsync(Window(venue), TestData.Admin));
        HeatmapCell Cell(DayOfWeek day, int hour) => cells.Single(c => c.Weekday == day && c.Hour == hour);

        Assert.Equal(168, cells.Count);
        Assert.Equal((DayOfWeek.Monday, 0), (cells[0].Weekday, cells[0].Hour));
        Assert.Equal((DayOfWeek.Sunday, 23), (cells[^1].Weekday, cells[^1].Hour));
        // Three resources open 08–18; Beta's maintenance takes two of Saturday's resource-hours at 10 and 11.
        Assert.Equal((3m, 1m, 0.3333m), Figures(Cell(DayOfWeek.Saturday, 9)));
        Assert.Equal((2m, 1m, 0.5m), Figures(Cell(DayOfWeek.Saturday, 10)));
        Assert.Equal((2m, 0m, 0m), Figures(Cell(DayOfWeek.Saturday, 11)));
        // The spring-forward Sunday has no 02:00; the booking's two real hours sit at 01 and 03.
        Assert.Equal((0m, 0m, null), Figures(Cell(DayOfWeek.Sunday, 2)));
        Assert.Equal((3m, 1m, 0.3333m), Figures(Cell(DayOfWeek.Sunday, 1)));
        Assert.Equal((3m, 1m, 0.3333m), Figures(Cell(DayOfWeek.Sunday, 3)));
        // Monday: Alpha and Beta each count 14–15 whole and half of 15; the no-show holds half of 10; the check-in all of 13.
        Assert.Equal((3m, 2m, 0.6667m), Figures(Cell(DayOfWeek.Monday, 14)));
        Assert.Equal((3m, 1m, 0.3333m), Figures(Cell(DayOfWeek.Monday, 15)));
        Assert.Equal((3m, 0.5m, 0.1667m), Figures(Cell(DayOfWeek.Monday, 10)));
        Assert.Equal((3m, 1m, 0.3333m), Figures(Cell(DayOfWeek.Monday, 13)));
        // The cancelled bookings at 08 and 09 count nothing; Tuesday is closed.
        Assert.Equal((3m, 0m, 0m), Figures(Cell(DayOfWeek.Monday, 8)));
        Assert.Equal((0m, 0m, null), Figures(Cell(DayOfWeek.Tuesday, 10)));
        // 127 open and 11.5 held resource-hours, as utilization counts them.
        var location = Assert.Single(Rows(await new UtilizationReport(Harness.Contexts)
            .RunAsync(Window(venue) with { GroupBy = ReportGrouping.Location }, TestData.Admin)));
        Assert.Equal((127m, 11.5m), (cells.Sum(c => c.OpenHours), cells.Sum(c => c.BookedHours)));
        Assert.Equal((location.OpenHours, location.BookedHours), (cells.Sum(c => c.OpenHours), cells.Sum(c => c.BookedHours)));
    }

    [Fact]
    public async Task The_trend_gives_each_week_its_days_inside_the_window()
    {
        var venue = await SeedAsync();
        var weeks = Rows(await new WeeklyTrend(Harness.Contexts).RunAsync(Window(venue), TestData.Admin));
        var rooms = Rows(await new WeeklyTrend(Harness.Contexts).RunAsync(Window(venue) with { Kind = ResourceKind.Room }, TestData.Admin));

        // Week of 22 March: Saturday 30 − 2 maintenance + Sunday 3 × 23 = 97 open, 6 held. Week of 29 March: Monday 30 open, 5.5 held.
        Assert.Equal([(new DateOnly(2027, 3, 22), 97m, 6m, 0.0619m), (new DateOnly(2027, 3, 29), 30m, 5.5m, 0.1833m)],
            weeks.Select(w => (w.WeekStart, w.OpenHours, w.BookedHours, w.Utilization!.Value)));
        Assert.Equal([(64m, 6m), (20m, 4m)], rooms.Select(w => (w.OpenHours, w.BookedHours)));
    }

    [Fact]
    public async Task Attendance_counts_ghosts_no_shows_and_cancellations_with_their_lead_time()
    {
        var venue = await SeedAsync();
        var report = new AttendanceReport(Harness.Contexts, Harness.Clock);
        var byResource = Rows(await report.RunAsync(Window(venue), TestData.Admin));
        var all = Assert.Single(Rows(await report.RunAsync(Window(venue) with { GroupBy = ReportGrouping.Location }, TestData.Admin)));

        Assert.Equal(
        [
            ("Alpha", 6, 1, 0.1429m, 6, 0, 0, 0, (0, 0, 0, 1)),
            ("Beta", 1, 3, 0.75m, 1, 0, 0, 0, (1, 1, 1, 0)),
            ("Desk C", 2, 0, 0m, 2, 1, 2, 1, (0, 0, 0, 0)),
        ], byResource.Select(r => (r.Name, r.Held, r.Cancelled, r.CancellationRate!.Value, r.Due, r.NoShows, r.CheckInDue, r.Ghosts,
            (r.CancelledUnderHour, r.CancelledUnderDay, r.CancelledUnderWeek, r.CancelledEarlier))));
        Assert.Equal((9, 4, 0.3077m, 9, 1, 0.1111m, 2, 1, 0.5m), (all.Held, all.Cancelled, all.CancellationRate, all.Due, all.NoShows, all.NoShowRate!.Value,
            all.CheckInDue, all.Ghosts, all.GhostRate!.Value));
        Assert.Null(byResource[0].GhostRate);

        // Before Monday's bookings are due, only the weekend's count.
        Harness.Clock.Set(venue.At(MondayAfter, "09:00", "10:00").Start);
        var early = Assert.Single(Rows(await report.RunAsync(Window(venue) with { GroupBy = ReportGrouping.Location }, TestData.Admin)));
        Assert.Equal((4, 0, null), (early.Due, early.CheckInDue, early.GhostRate));
    }

    [Fact]
    public async Task Right_sizing_buckets_attendees_per_seat_and_names_a_smaller_room_for_the_80th_percentile_meeting()
    {
        var venue = await SeedAsync();
        var rows = Rows(await new RightSizingReport(Harness.Contexts).RunAsync(Window(venue), TestData.Admin));

        // Alpha: 8 of 10 once, 2 of 10 five times; Beta: 2 of 4 exactly half; desks seat one.
        Assert.Equal(
        [
            ("Alpha", 10, 6, (5, 0, 0, 1), 2, 2, "Beta", 4),
            ("Beta", 4, 1, (0, 1, 0, 0), 2, 2, null, null),
            ("Desk C", 1, 2, (0, 0, 0, 2), 1, 1, null, null),
        ], rows.Select(r => (r.Name, r.Capacity, r.Meetings, (r.UpToQuarter, r.UpToHalf, r.UpToThreeQuarters, r.AboveThreeQuarters),
            r.MedianAttendees!.Value, r.P80Attendees!.Value, r.SmallerFitName, r.SmallerFitCapacity)));
        Assert.Equal(venue["Beta"].Id.ToString(), rows[0].SmallerFitKey);
    }

    [Fact]
    public async Task Demand_counts_refusals_wait_list_joins_promotions_and_empty_searches_once_each()
    {
        Harness.Clock.Set(new DateTimeOffset(2027, 3, 20, 8, 0, 0, TimeSpan.Zero));
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Alpha");
            v.Room("Beta");
        });
        var (alpha, beta) = (venue["Alpha"].Id, venue["Beta"].Id);
        var monday = new DateOnly(2027, 3, 29);
        var holder = Booked(await Engine.CreateAsync(Request(venue.At(monday, "09:00", "10:00"), alpha, beta), TestData.Alice));
        Booked(await Engine.CreateAsync(Request(venue.At(monday, "11:00", "12:00"), alpha), TestData.Alice));
        Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(Request(venue.At(monday, "09:00", "10:00"), alpha, beta) with { JoinWaitlist = true },
            TestData.Bob));
        Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(Request(venue.At(monday, "11:00", "12:00"), alpha) with { JoinWaitlist = true },
            TestData.Bob));
        Booked(await Engine.CancelAsync(holder.Id, TestData.Alice, null));
        var log = new DemandLog(Harness.Contexts, Harness.Clock);
        await log.RecordRefusalAsync(venue.Location.Id, [alpha, beta], venue.At(monday, "11:00", "12:00"), 2);
        await log.RecordRefusalAsync(venue.Location.Id, [alpha], venue.At(new DateOnly(2027, 4, 5), "11:00", "12:00"), 2);
        await log.RecordEmptySearchAsync(venue.Location.Id, ResourceKind.Room, venue.At(monday, "11:00", "12:00"), 4);
        await log.RecordEmptySearchAsync(venue.Location.Id, ResourceKind.Desk, venue.At(monday, "11:00", "12:00"), 1);

        var report = new DemandReport(Harness.Contexts);
        var week = new ReportQuery(venue.Location.Id, monday, monday.AddDays(7));
        var all = Assert.Single(Rows(await report.RunAsync(week, TestData.Admin)));
        var rooms = Assert.Single(Rows(await report.RunAsync(week with { Kind = ResourceKind.Room }, TestData.Admin)));

        Assert.Equal(new DemandRow(1, 2, 1, 0.5m, 2), all);
        Assert.Equal(new DemandRow(1, 2, 1, 0.5m, 1), rooms);
    }

    [Fact]
    public async Task Booking_facts_list_each_booking_once_per_resource_in_local_time()
    {
        var venue = await SeedAsync();
        var rows = Rows(await new BookingFacts(Harness.Contexts).RunAsync(Window(venue), TestData.Admin));

        // Alpha 7 (one cancelled), Beta 4 (three cancelled), Desk C 2.
        Assert.Equal([("Cancelled", 4), ("CheckedIn", 1), ("Confirmed", 7), ("NoShow", 1)],
            rows.GroupBy(r => r.Status).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal));
        var dst = Assert.Single(rows, r => r.LocalStart == new DateTime(2027, 3, 28, 1, 0, 0));
        Assert.Equal((new DateTime(2027, 3, 28, 4, 0, 0), "Alpha", 10, "Confirmed", false, 2), (dst.LocalEnd, dst.ResourceName, dst.Capacity, dst.Status, dst.CheckedIn,
            dst.Attendees));
        var shared = rows.Where(r => r.LocalStart == new DateTime(2027, 3, 29, 14, 0, 0)).ToList();
        Assert.Equal(["Alpha", "Beta"], shared.Select(r => r.ResourceName));
        Assert.Single(shared.Select(r => r.BookingId).Distinct());
        Assert.Equal(3, rows.Count(r => r.SeriesId is not null));
        Assert.Single(rows, r => r.CheckedIn);
    }

    [Fact]
    public async Task Every_report_is_for_admins_and_the_locations_operators()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Private"));
        var query = new ReportQuery(venue.Location.Id, new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 2));
        var runs = new Func<Actor, Task<object>>[]
        {
            async a => await new OccupancyHeatmap(Harness.Contexts).RunAsync(query, a),
            async a => await new WeeklyTrend(Harness.Contexts).RunAsync(query, a),
            async a => await new AttendanceReport(Harness.Contexts, Harness.Clock).RunAsync(query, a),
            async a => await new RightSizingReport(Harness.Contexts).RunAsync(query, a),
            async a => await new DemandReport(Harness.Contexts).RunAsync(query, a),
            async a => await new BookingFacts(Harness.Contexts).RunAsync(query, a),
        };

        foreach (var run in runs)
        {
            Assert.Equal("Forbidden", (await run(TestData.Alice)).GetType().Name);
            Assert.Equal("Forbidden", (await run(TestData.Operator)).GetType().Name);
            Assert.Equal("Ok", (await run(TestData.OperatorAt(venue.Location))).GetType().Name);
        }
    }

    private static (decimal Open, decimal Booked, decimal? Share) Figures(HeatmapCell cell) => (cell.OpenHours, cell.BookedHours, cell.Share);

    private static IReadOnlyList<T> Rows<T>(ReportResult<T> result) => Assert.IsType<ReportResult<T>.Ok>(result).Rows;
}
