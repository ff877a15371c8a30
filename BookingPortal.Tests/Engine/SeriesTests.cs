using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Engine;

public class SeriesTests(DatabaseFixture database) : EngineTestBase(database)
{
    private static Recurrence Weekly(int? count = null, DateOnly? until = null, params DayOfWeek[] days) =>
        Recurrence.Create(RecurrenceFrequency.Weekly, 1, days, count, until).Rule!;

    private static SeriesSnapshot Created(SeriesResult result) => Assert.IsType<SeriesResult.Success>(result).Series;

    private static IReadOnlyDictionary<string, string[]> Refused(SeriesResult result) =>
        Assert.IsType<BookingResult.Invalid>(Assert.IsType<SeriesResult.Failed>(result).Outcome).Errors;

    /// <summary>Books Aurora weekly from Monday 10:00; the series must be refused whole, with one message about the start.</summary>
    private async Task<string> TheOnlyStartErrorAsync(Venue venue, int weeks)
    {
        var errors = Refused(await Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), Weekly(count: weeks), TestData.Alice));
        Assert.Equal(0, await Harness.BookingCountAsync(venue["Aurora"].Id));
        return Assert.Single(errors["start"]);
    }

    [Fact]
    public async Task A_weekly_series_keeps_nine_oclock_in_Berlin_across_the_march_change()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var first = venue.At(new DateOnly(2027, 3, 22), "09:00", "10:00");

        var series = Created(await Engine.CreateSeriesAsync(Request(first, venue["Aurora"].Id), Weekly(count: 3), TestData.Alice));

        Assert.Equal(3, series.Bookings.Count);
        Assert.Equal(["08:00", "07:00", "07:00"], series.Bookings.Select(b => b.Start.UtcDateTime.ToString("HH:mm")));
        Assert.All(series.Bookings, b => Assert.Equal("09:00", venue.Location.ToLocal(b.Start).ToString("HH:mm")));
        Assert.All(series.Bookings, b => Assert.Equal(series.SeriesId, b.SeriesId));
        Assert.All(series.Bookings, b => Assert.Equal(BookingStatus.Confirmed, b.Status));
        Assert.Equal(3, await Harness.HoldingAllocationsAsync(venue["Aurora"].Id));
    }

    [Fact]
    public async Task Until_and_count_lay_out_the_same_series()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var other = await Harness.SeedVenueAsync(v => v.Room("Borealis"));
        var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday };

        var byUntil = Created(await Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id),
            Weekly(until: Monday.AddDays(9), days: weekdays), TestData.Alice));
        var byCount = Created(await Engine.CreateSeriesAsync(Request(other.At(Monday, "10:00", "11:00"), other["Borealis"].Id),
            Weekly(count: 5, days: weekdays), TestData.Alice));

        Assert.Equal(5, byUntil.Bookings.Count);
        Assert.Equal(byCount.Bookings.Select(b => b.Start), byUntil.Bookings.Select(b => b.Start));
        Assert.NotEqual(byCount.SeriesId, byUntil.SeriesId);
    }

    [Fact]
    public async Task One_clash_books_nothing_and_the_answer_covers_the_whole_series()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
            v.Room("Cirrus");
        });
        var aurora = venue["Aurora"].Id;
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(7), "10:00", "11:00"), aurora), TestData.Bob));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(21), "10:30", "11:30"), aurora), TestData.Bob));
        // Borealis is free for the second clash but not the first, so it is no alternative for the series.
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(7), "10:00", "11:00"), venue["Borealis"].Id), TestData.Bob));

        var result = await Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), aurora), Weekly(count: 5), TestData.Alice);

        var conflict = Assert.IsType<SeriesResult.Conflict>(result).Details;
        Assert.Equal([venue.At(Monday.AddDays(7), "10:00", "11:00").Start, venue.At(Monday.AddDays(21), "10:00", "11:00").Start],
            conflict.ConflictingOccurrences.Select(o => o.Start));
        Assert.Equal(2, conflict.Details.Conflicts.Count);
        Assert.All(conflict.Details.Conflicts, c => Assert.Equal(aurora, c.ResourceId));
        Assert.False(conflict.Details.CanJoinWaitlist);
        Assert.Equal(["Cirrus"], conflict.Details.AlternativeResources.Select(a => a.Name));
        // Every suggestion is a new first occurrence at which all five weeks are free: 09:00 is the nearest.
        Assert.Equal(venue.At(Monday, "09:00", "10:00").Start, conflict.Details.SuggestedSlots[0].Start);
        Assert.DoesNotContain(conflict.Details.SuggestedSlots, s => s.Start == venue.At(Monday, "10:45", "11:45").Start);
        Assert.Equal(2, await Harness.BookingCountAsync(aurora));
        Assert.Equal(2, await Harness.HoldingAllocationsAsync(aurora));

        var retried = Created(await Engine.CreateSeriesAsync(
            Request(new TimeRange(conflict.Details.SuggestedSlots[0].Start, conflict.Details.SuggestedSlots[0].End), aurora), Weekly(count: 5), TestData.Alice));
        Assert.Equal(5, retried.Bookings.Count);
    }

    [Fact]
    public async Task An_occurrence_that_breaks_a_rule_is_named_by_its_date_and_nothing_is_stored()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        await using (var db = await Harness.Contexts.CreateDbContextAsync())
        {
            var location = await db.Locations.SingleAsync(l => l.Id == venue.Location.Id);
            location.SetClosures([new Closure(new DateOnly(2027, 3, 15), new DateOnly(2027, 3, 15), "Company holiday")]);
            await db.SaveChangesAsync();
        }

        Harness.Snapshots.Forget(venue["Aurora"].Id);

        var message = await TheOnlyStartErrorAsync(venue, weeks: 4);

        Assert.Contains("2027-03-15", message);
        Assert.DoesNotContain("2027-03-08", message);
    }

    [Fact]
    public async Task Occurrences_beyond_the_booking_horizon_are_listed()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora").WithRules(r => r with { Horizon = TimeSpan.FromDays(20) }));

        var message = await TheOnlyStartErrorAsync(venue, weeks: 5);

        Assert.Contains("at most 20 days ahead", message);
        Assert.Contains("Mon 2027-03-22, Mon 2027-03-29", message);
    }

    [Fact]
    public async Task A_series_over_the_cap_or_on_the_wait_list_is_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.OpenAllDay().Room("Aurora").WithRules(r => r with { Horizon = TimeSpan.FromDays(3650) }));
        var request = Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id);
        var daily = Recurrence.Create(RecurrenceFrequency.Daily, until: new DateOnly(2027, 12, 31)).Rule!;

        Assert.Contains("recurrence.until", Refused(await Engine.CreateSeriesAsync(request, daily, TestData.Alice)).Keys);
        Assert.Contains("joinWaitlist", Refused(await Engine.CreateSeriesAsync(request with { JoinWaitlist = true }, Weekly(count: 2), TestData.Alice)).Keys);
        Assert.Equal(0, await Harness.BookingCountAsync(venue["Aurora"].Id));
    }

    [Fact]
    public async Task Buffers_that_make_a_series_overlap_itself_are_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.OpenAllDay().Room("Aurora").WithRules(r => r with
        {
            MaxDuration = TimeSpan.FromHours(20), BufferBefore = TimeSpan.FromHours(1), BufferAfter = TimeSpan.FromHours(4),
        }));
        var room = venue["Aurora"];
        var request = Request(venue.At(Monday.AddDays(1), "02:00", "22:00"), room.Id);

        var errors = Refused(await Engine.CreateSeriesAsync(request, Recurrence.Create(RecurrenceFrequency.Daily, count: 2).Rule!, TestData.Alice));

        Assert.Contains("buffers", Assert.Single(errors["recurrence.interval"]));
    }

    [Fact]
    public async Task Replaying_a_key_returns_the_same_series_and_a_changed_rule_is_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var request = Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id) with { IdempotencyKey = "weekly-standup" };

        var first = Created(await Engine.CreateSeriesAsync(request, Weekly(count: 3), TestData.Alice));
        var replay = Assert.IsType<SeriesResult.Success>(await Engine.CreateSeriesAsync(request, Weekly(count: 3), TestData.Alice));
        var changed = await Engine.CreateSeriesAsync(request, Weekly(count: 4), TestData.Alice);
        var single = await Engine.CreateAsync(request, TestData.Alice);

        Assert.True(replay.Replayed);
        Assert.Equal(first.SeriesId, replay.Series.SeriesId);
        Assert.Equal(first.Bookings.Select(b => b.Id), replay.Series.Bookings.Select(b => b.Id));
        Assert.IsType<BookingResult.KeyReused>(Assert.IsType<SeriesResult.Failed>(changed).Outcome);
        Assert.IsType<BookingResult.KeyReused>(single);
        Assert.Equal(3, await Harness.BookingCountAsync(venue["Aurora"].Id));
        Assert.Equal("weekly-standup", (await Harness.LoadAsync(first.Bookings[0].Id)).IdempotencyKey);
        Assert.Null((await Harness.LoadAsync(first.Bookings[1].Id)).IdempotencyKey);
    }

    [Fact]
    public async Task Racing_series_for_one_room_leave_one_whole_series()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var room = venue["Aurora"].Id;

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), room) with { Title = $"Team {i}" }, Weekly(count: 4), TestData.Alice))));

        Assert.Single(results.OfType<SeriesResult.Success>());
        Assert.Equal(5, results.OfType<SeriesResult.Conflict>().Count());
        Assert.Equal(4, await Harness.HoldingAllocationsAsync(room));
        Assert.Equal(4, await Harness.BookingCountAsync(room));
    }

    [Fact]
    public async Task Cancelling_this_and_following_leaves_the_earlier_occurrences()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = Created(await Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), Weekly(count: 4), TestData.Alice));

        var cancelled = Created(await Engine.CancelSeriesAsync(series.Bookings[2].Id, TestData.Alice, "Project ends", onlyFollowing: true));

        Assert.Equal(series.Bookings.Skip(2).Select(b => b.Id), cancelled.Bookings.Select(b => b.Id));
        Assert.All(cancelled.Bookings, b => Assert.Equal(BookingStatus.Cancelled, b.Status));
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(series.Bookings[1].Id)).Status);
        Assert.Equal(2, await Harness.HoldingAllocationsAsync(venue["Aurora"].Id));
        Assert.Equal("Project ends", (await Harness.HistoryAsync(series.Bookings[3].Id))[^1].Detail);
    }

    [Fact]
    public async Task Cancelling_the_series_keeps_what_has_ended_or_cannot_be_cancelled()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = Created(await Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), Weekly(count: 4), TestData.Alice));
        Booked(await Engine.CancelAsync(series.Bookings[3].Id, TestData.Alice, "Holiday"));
        Harness.Clock.Set(venue.At(Monday.AddDays(7), "09:50", "10:00").Start);
        Booked(await Engine.CheckInAsync(series.Bookings[1].Id, TestData.Alice));

        var cancelled = Created(await Engine.CancelSeriesAsync(series.Bookings[1].Id, TestData.Alice, null, onlyFollowing: false));

        Assert.Equal([series.Bookings[2].Id], cancelled.Bookings.Select(b => b.Id));
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(series.Bookings[0].Id)).Status);
        Assert.Equal(BookingStatus.CheckedIn, (await Harness.LoadAsync(series.Bookings[1].Id)).Status);
        var nothingLeft = await Engine.CancelSeriesAsync(series.Bookings[0].Id, TestData.Alice, null, onlyFollowing: false);
        Assert.IsType<BookingResult.Refused>(Assert.IsType<SeriesResult.Failed>(nothingLeft).Outcome);
    }

    [Fact]
    public async Task A_freed_series_slot_goes_to_the_wait_list()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = Created(await Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), Weekly(count: 2), TestData.Alice));
        var waiting = Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(
            Request(venue.At(Monday.AddDays(7), "10:00", "11:00"), venue["Aurora"].Id) with { JoinWaitlist = true }, TestData.Bob)).Booking;

        Created(await Engine.CancelSeriesAsync(series.Bookings[0].Id, TestData.Alice, null, onlyFollowing: false));

        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(waiting.Id)).Status);
    }

    [Fact]
    public async Task Only_the_owner_an_operator_of_the_location_or_an_admin_cancels_a_series()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var elsewhere = await Harness.SeedVenueAsync(v => v.Room("Annex"));
        var series = Created(await Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), Weekly(count: 2), TestData.Alice));
        var id = series.Bookings[0].Id;

        Assert.IsType<BookingResult.Forbidden>(Assert.IsType<SeriesResult.Failed>(await Engine.CancelSeriesAsync(id, TestData.Bob, null, false)).Outcome);
        Assert.IsType<BookingResult.Forbidden>(Assert.IsType<SeriesResult.Failed>(
            await Engine.CancelSeriesAsync(id, TestData.OperatorAt(elsewhere.Location), null, false)).Outcome);
        Assert.IsType<BookingResult.Forbidden>(Assert.IsType<SeriesResult.Failed>(await Engine.CancelSeriesAsync(id, TestData.Operator, null, false)).Outcome);

        Assert.Equal(2, Created(await Engine.CancelSeriesAsync(id, TestData.OperatorAt(venue.Location), "Visitors", false)).Bookings.Count);
    }

    [Fact]
    public async Task A_single_booking_is_not_a_series()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var single = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));

        var errors = Assert.IsType<BookingResult.Invalid>(Assert.IsType<SeriesResult.Failed>(
            await Engine.CancelSeriesAsync(single.Id, TestData.Alice, null, onlyFollowing: true)).Outcome).Errors;

        Assert.Contains("scope", errors.Keys);
        Assert.Equal(BookingStatus.Confirmed, (await Harness.LoadAsync(single.Id)).Status);
    }

    [Fact]
    public async Task An_operator_checks_in_only_at_an_assigned_location()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var elsewhere = await Harness.SeedVenueAsync(v => v.Room("Annex"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        Harness.Clock.Set(booking.Start.AddMinutes(-5));

        Assert.IsType<BookingResult.Forbidden>(await Engine.CheckInAsync(booking.Id, TestData.OperatorAt(elsewhere.Location)));
        Assert.IsType<BookingResult.Forbidden>(await Engine.CheckInAsync(booking.Id, TestData.Operator));
        Assert.Equal(BookingStatus.CheckedIn, Booked(await Engine.CheckInAsync(booking.Id, TestData.OperatorAt(venue.Location))).Status);
    }
}
