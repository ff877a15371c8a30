using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Reports;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static BookingPortal.Tests.Reports.ReportVenue;

namespace BookingPortal.Tests.Reports;

/// <summary>
/// The reports read a per-day summary that writes only mark stale (migration 0015). These tests change what was already
/// summarised and check the next read sees it, and that marks survive writers racing the refresh.
/// </summary>
public class ReportSummaryTests(DatabaseFixture database) : EngineTestBase(database)
{
    [Fact]
    public async Task A_report_sees_every_change_made_after_the_previous_read()
    {
        Harness.Clock.Set(new DateTimeOffset(2027, 3, 20, 8, 0, 0, TimeSpan.Zero));
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.OpenAt(ReportVenue.Hours()).ClosedOn(Holiday);
            v.Room("Alpha");
            v.Room("Beta");
        });
        var (alpha, beta) = (venue["Alpha"], venue["Beta"]);
        var report = new UtilizationReport(Harness.Contexts);
        var query = new ReportQuery(venue.Location.Id, Saturday, End);
        async Task<string> Figures() => string.Join("; ", Rows(await report.RunAsync(query, TestData.Admin))
            .Select(r => $"{r.Name} {r.BookedHours:0.##}/{r.OpenHours:0.##}"));

        var meeting = Booked(await Engine.CreateAsync(Request(venue.At(Saturday, "09:00", "11:00"), alpha.Id), TestData.Alice));
        Assert.Equal("Alpha 2/43; Beta 0/43", await Figures());

        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(meeting.Id, End: venue.At(Saturday, "09:00", "10:00").End), TestData.Alice));
        var other = Booked(await Engine.CreateAsync(Request(venue.At(MondayAfter, "14:00", "16:00"), beta.Id), TestData.Bob));
        Assert.Equal("Alpha 1/43; Beta 2/43", await Figures());

        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(other.Id, ResourceIds: [alpha.Id]), TestData.Bob));
        Assert.Equal("Alpha 3/43; Beta 0/43", await Figures());

        Booked(await Engine.CancelAsync(other.Id, TestData.Bob, "not needed"));
        await Harness.AddBlockAsync(alpha, venue.At(Saturday, "10:00", "12:00"));
        Assert.Equal("Alpha 1/41; Beta 0/43", await Figures());

        // Saturday now opens at 10:00: what is left of the meeting is outside open time.
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            var location = await db.Locations.SingleAsync(l => l.Id == venue.Location.Id);
            location.SetOpeningHours(ReportVenue.Hours().Select(h => h.Day == DayOfWeek.Saturday ? h with { Start = new TimeOnly(10, 0) } : h));
            await db.SaveChangesAsync();
        }

        Assert.Equal("Alpha 0/39; Beta 0/41", await Figures());

        // An attendee count changes the booking alone, not its allocation.
        var sizing = new RightSizingReport(Harness.Contexts);
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(meeting.Id, AttendeeCount: 2), TestData.Alice));
        Assert.Equal(2, Rows(await sizing.RunAsync(query, TestData.Admin)).Single(r => r.Name == "Alpha").MedianAttendees);
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(meeting.Id, AttendeeCount: 5), TestData.Alice));
        Assert.Equal(5, Rows(await sizing.RunAsync(query, TestData.Admin)).Single(r => r.Name == "Alpha").MedianAttendees);
    }

    [Fact]
    public async Task A_resource_given_a_feature_counts_under_it_in_the_heatmap_from_then_on()
    {
        Harness.Clock.Set(new DateTimeOffset(2027, 3, 20, 8, 0, 0, TimeSpan.Zero));
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.OpenAt(ReportVenue.Hours()).ClosedOn(Holiday);
            v.Room("Alpha");
        });
        Booked(await Engine.CreateAsync(Request(venue.At(Saturday, "09:00", "11:00"), venue["Alpha"].Id), TestData.Alice));
        var heatmap = new OccupancyHeatmap(Harness.Contexts);
        var withScreens = new ReportQuery(venue.Location.Id, Saturday, End, Feature: "screen");
        async Task<decimal> BookedWithScreens() => Rows(await heatmap.RunAsync(withScreens, TestData.Admin)).Sum(c => c.BookedHours);

        Assert.Equal(0m, await BookedWithScreens());
        await using (var connection = new NpgsqlConnection(Harness.ConnectionString))
        {
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand("UPDATE resources SET features = '{screen}' WHERE id = $1", connection);
            update.Parameters.Add(new NpgsqlParameter { Value = venue["Alpha"].Id });
            await update.ExecuteNonQueryAsync();
        }

        Assert.Equal(2m, await BookedWithScreens());
    }

    [Fact]
    public async Task Marks_from_writers_racing_the_refresh_leave_the_summary_equal_to_a_rebuild()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.OpenAllDay();
            foreach (var name in new[] { "Alpha", "Beta", "Gamma", "Delta" })
            {
                v.Room(name);
            }
        });
        var rooms = venue.Resources.Values.Select(r => r.Id).ToArray();
        var usage = new ReportUsage(Harness.Contexts, NullLogger<ReportUsage>.Instance);
        var writing = new CancellationTokenSource();
        var changes = 0;

        async Task WriteAsync(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 12; i++)
            {
                var hour = random.Next(6, 20);
                var start = venue.At(Monday.AddDays(random.Next(3)), $"{hour:D2}:00", $"{hour:D2}:30").Start;
                var room = rooms[random.Next(rooms.Length)];
                if (await Engine.CreateAsync(Request(new(start, start.AddMinutes(30 + 30 * random.Next(4))), room), TestData.Alice)
                    is not BookingResult.Success created)
                {
                    continue;
                }

                var changed = random.Next(3) switch
                {
                    0 => await Engine.CancelAsync(created.Booking.Id, TestData.Alice, "changed plans"),
                    1 => await Engine.ChangeAsync(new ChangeBookingCommand(created.Booking.Id, ResourceIds: [rooms[random.Next(rooms.Length)]]), TestData.Alice),
                    _ => await Engine.ChangeAsync(new ChangeBookingCommand(created.Booking.Id, Start: start.AddDays(1), End: start.AddDays(1).AddHours(1)),
                        TestData.Alice),
                };
                if (changed is BookingResult.Success)
                {
                    Interlocked.Increment(ref changes);
                }
            }
        }

        async Task RefreshAsync()
        {
            while (!writing.IsCancellationRequested)
            {
                await usage.RefreshStaleAsync();
            }
        }

        var refreshers = new[] { Task.Run(RefreshAsync), Task.Run(RefreshAsync) };
        await Task.WhenAll(Enumerable.Range(0, 6).Select(seed => Task.Run(() => WriteAsync(seed))));
        await writing.CancelAsync();
        await Task.WhenAll(refreshers);

        await usage.RefreshStaleAsync();
        var kept = await SummaryAsync(venue.Location.Id);
        await using (var connection = new NpgsqlConnection(Harness.ConnectionString))
        {
            await connection.OpenAsync();
            await using var rebuild = new NpgsqlCommand("INSERT INTO report_usage_stale_locations (location_id) VALUES ($1)", connection);
            rebuild.Parameters.Add(new NpgsqlParameter { Value = venue.Location.Id });
            await rebuild.ExecuteNonQueryAsync();
        }

        await usage.RefreshStaleAsync();
        var rebuilt = await SummaryAsync(venue.Location.Id);

        Assert.True(changes > 10, $"Only {changes} changes went through; the race tested little.");
        Assert.NotEmpty(rebuilt);
        Assert.Equal(rebuilt, kept);
    }

    private async Task<List<string>> SummaryAsync(Guid locationId)
    {
        await using var connection = new NpgsqlConnection(Harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT concat_ws(' ', u.resource_id, u.day, u.held_ms, u.held_total_ms, u.starts, u.unchecked, u.no_shows, u.attendees, u.cancelled,
                             u.cancelled_under_hour, u.cancelled_under_day, u.cancelled_under_week, u.cancelled_earlier)
            FROM report_usage u JOIN resources r ON r.id = u.resource_id
            WHERE r.location_id = $1
            UNION ALL
            SELECT concat_ws(' ', a.resource_id, a.month, a.attendees, a.meetings)
            FROM report_usage_attendees a JOIN resources r ON r.id = a.resource_id
            WHERE r.location_id = $1
            UNION ALL
            SELECT concat_ws(' ', g.day, g.floor_id, g.kind, g.features, g.held_ms)
            FROM report_usage_groups g
            WHERE g.location_id = $1
            ORDER BY 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = locationId });
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static IReadOnlyList<T> Rows<T>(ReportResult<T> result) => Assert.IsType<ReportResult<T>.Ok>(result).Rows;
}
