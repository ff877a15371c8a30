using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Engine;

/// <summary>Editing a series by scope and booking around clashes, on real PostgreSQL.</summary>
public class SeriesEditTests(DatabaseFixture database) : EngineTestBase(database)
{
    /// <summary>Four Mondays before the 2027 spring change in Berlin (28 March) and two after.</summary>
    private static readonly DateOnly AcrossTheChange = new(2027, 3, 15);

    private static Recurrence Weekly(int count, params DayOfWeek[] days) =>
        Recurrence.Create(RecurrenceFrequency.Weekly, 1, days, count).Rule!;

    private static SeriesSnapshot Done(SeriesResult result) => Assert.IsType<SeriesResult.Success>(result).Series;

    private async Task<SeriesSnapshot> WeeklyAsync(Venue venue, DateOnly first, int count, string room = "Aurora", string from = "09:00", string to = "10:00") =>
        Done(await Engine.CreateSeriesAsync(Request(venue.At(first, from, to), venue[room].Id), Weekly(count), TestData.Alice));

    private async Task<List<Booking>> MembersAsync(Guid seriesId)
    {
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        return await db.Bookings.AsNoTracking().Include(b => b.Allocations).Where(b => b.SeriesId == seriesId).OrderBy(b => b.Start).ToListAsync();
    }

    private async Task<BookingSeries> SeriesAsync(Guid seriesId)
    {
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        return await db.Set<BookingSeries>().AsNoTracking().SingleAsync(s => s.Id == seriesId);
    }

    private static string Local(Venue venue, DateTimeOffset instant) => venue.Location.ToLocal(instant).ToString("yyyy-MM-dd HH:mm");

    [Fact]
    public async Task Moving_the_whole_series_to_ten_keeps_each_day_and_ten_oclock_across_the_spring_change()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklyAsync(venue, AcrossTheChange, 4);
        var second = series.Bookings[1];
        var moved = venue.At(AcrossTheChange.AddDays(7), "10:00", "11:30");

        var changed = Done(await Engine.ChangeSeriesAsync(
            new ChangeSeriesCommand(second.Id, OnlyFollowing: false, moved.Start, moved.End), TestData.Alice));

        Assert.Equal(series.SeriesId, changed.SeriesId);
        var members = await MembersAsync(series.SeriesId);
        Assert.Equal(["2027-03-15 10:00", "2027-03-22 10:00", "2027-03-29 10:00", "2027-04-05 10:00"], members.Select(m => Local(venue, m.Start)));
        Assert.All(members, m => Assert.Equal(TimeSpan.FromMinutes(90), m.End - m.Start));
        // 10:00 is 09:00Z before the change and 08:00Z after it.
        Assert.Equal(["09:00", "09:00", "08:00", "08:00"], members.Select(m => m.Start.UtcDateTime.ToString("HH:mm")));
        Assert.All(members, m => Assert.Equal(m.Start, m.OccurrenceStart));
        var stored = await SeriesAsync(series.SeriesId);
        Assert.Equal("2027-03-15 10:00", Local(venue, stored.FirstStart));
        Assert.Equal(changed.Version, stored.Version);
        foreach (var member in members)
        {
            Assert.Contains(await Harness.HistoryAsync(member.Id), h => h.Action == "rescheduled");
        }
    }

    [Fact]
    public async Task This_and_following_splits_the_series_into_two_linked_series()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklyAsync(venue, AcrossTheChange, 5);
        var third = series.Bookings[2];
        var moved = venue.At(AcrossTheChange.AddDays(14), "11:00", "12:00");

        var changed = Done(await Engine.ChangeSeriesAsync(
            new ChangeSeriesCommand(third.Id, OnlyFollowing: true, moved.Start, moved.End, Title: "Later sync"), TestData.Alice));

        Assert.NotEqual(series.SeriesId, changed.SeriesId);
        Assert.Equal(series.SeriesId, changed.SplitFrom);
        var earlier = await MembersAsync(series.SeriesId);
        var later = await MembersAsync(changed.SeriesId);
        Assert.Equal(["2027-03-15 09:00", "2027-03-22 09:00"], earlier.Select(m => Local(venue, m.Start)));
        Assert.All(earlier, m => Assert.Equal("Planning", m.Title));
        Assert.Equal(["2027-03-29 11:00", "2027-04-05 11:00", "2027-04-12 11:00"], later.Select(m => Local(venue, m.Start)));
        Assert.All(later, m => Assert.Equal("Later sync", m.Title));
        Assert.Equal(third.Id, later[0].Id);

        var old = await SeriesAsync(series.SeriesId);
        Assert.Equal(new DateOnly(2027, 3, 28), old.UntilDate);
        Assert.Null(old.OccurrenceCount);
        var rest = await SeriesAsync(changed.SeriesId);
        Assert.Equal(series.SeriesId, rest.SplitFrom);
        Assert.Equal(3, rest.OccurrenceCount);
        Assert.Equal("2027-03-29 11:00", Local(venue, rest.FirstStart));
        // Each half's rule lays out exactly its own members.
        Assert.Equal(earlier.Select(m => m.Start), old.Rule.Expand(old.First, venue.Location).Occurrences.Select(o => o.Start));
        Assert.Equal(later.Select(m => m.Start), rest.Rule.Expand(rest.First, venue.Location).Occurrences.Select(o => o.Start));
    }

    [Fact]
    public async Task An_occurrence_renamed_on_its_own_keeps_its_title_through_this_and_following_but_not_through_a_series_change()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklyAsync(venue, Monday.AddDays(7), 4);
        var third = series.Bookings[2];
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(third.Id, Title: "Offsite prep"), TestData.Alice));

        Done(await Engine.ChangeSeriesAsync(new ChangeSeriesCommand(series.Bookings[1].Id, OnlyFollowing: true, Title: "Team sync"), TestData.Alice));
        var afterFollowing = await Harness.LoadAsync(third.Id);
        Assert.Equal("Offsite prep", afterFollowing.Title);
        Assert.Equal("Team sync", (await Harness.LoadAsync(series.Bookings[3].Id)).Title);

        var continuation = afterFollowing.SeriesId!.Value;
        var last = (await MembersAsync(continuation))[^1];
        Done(await Engine.ChangeSeriesAsync(new ChangeSeriesCommand(last.Id, OnlyFollowing: false, Title: "Weekly"), TestData.Alice));
        Assert.All(await MembersAsync(continuation), m => Assert.Equal("Weekly", m.Title));
        Assert.Equal(SeriesFields.None, (await Harness.LoadAsync(third.Id)).OwnChanges);
    }

    [Fact]
    public async Task A_series_change_leaves_checked_in_and_past_occurrences_alone()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklyAsync(venue, Monday, 4);
        var first = series.Bookings[0];
        var second = series.Bookings[1];
        // A week on: the first occurrence is over, the second is being checked into.
        Harness.Clock.Set(second.Start.AddMinutes(-5));
        Booked(await Engine.CheckInAsync(second.Id, TestData.Alice));
        var later = venue.At(Monday.AddDays(14), "13:00", "14:00");

        var changed = Done(await Engine.ChangeSeriesAsync(
            new ChangeSeriesCommand(series.Bookings[2].Id, OnlyFollowing: false, later.Start, later.End, Title: "Moved"), TestData.Alice));

        Assert.Equal([first.Id, second.Id], changed.LeftAlone.Select(l => l.BookingId));
        Assert.Equal(first.Start, (await Harness.LoadAsync(first.Id)).Start);
        Assert.Equal("Planning", (await Harness.LoadAsync(second.Id)).Title);
        Assert.Equal(second.Start, (await Harness.LoadAsync(second.Id)).Start);
        Assert.Equal(["13:00", "13:00"], changed.Bookings.Select(b => venue.Location.ToLocal(b.Start).ToString("HH:mm")));
    }

    [Fact]
    public async Task A_stale_series_version_changes_nothing()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklyAsync(venue, Monday.AddDays(7), 3);
        var version = (await SeriesAsync(series.SeriesId)).Version;
        Done(await Engine.ChangeSeriesAsync(new ChangeSeriesCommand(series.Bookings[0].Id, false, Title: "First edit", ExpectedSeriesVersion: version), TestData.Alice));

        var stale = await Engine.ChangeSeriesAsync(new ChangeSeriesCommand(series.Bookings[0].Id, false, Title: "Second edit", ExpectedSeriesVersion: version), TestData.Alice);

        Assert.IsType<BookingResult.Stale>(Assert.IsType<SeriesResult.Failed>(stale).Outcome);
        Assert.All(await MembersAsync(series.SeriesId), m => Assert.Equal("First edit", m.Title));
    }

    [Fact]
    public async Task Moving_the_series_to_another_room_is_refused_whole_when_one_week_is_taken()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
            v.Room("Cirrus");
        });
        var series = await WeeklyAsync(venue, Monday.AddDays(7), 3);
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(14), "09:30", "10:30"), venue["Borealis"].Id), TestData.Bob));

        var result = await Engine.ChangeSeriesAsync(
            new ChangeSeriesCommand(series.Bookings[0].Id, false, ResourceIds: [venue["Borealis"].Id]), TestData.Alice);

        var conflict = Assert.IsType<SeriesResult.Conflict>(result).Details;
        var clash = Assert.Single(conflict.Occurrences);
        Assert.Equal(venue.At(Monday.AddDays(14), "09:00", "10:00").Start, clash.Start);
        Assert.Contains(clash.AlternativeResources, a => a.Name == "Cirrus");
        Assert.NotEmpty(clash.SuggestedSlots);
        Assert.All(await MembersAsync(series.SeriesId), m => Assert.Equal([venue["Aurora"].Id], m.ResourceIds));
    }

    [Fact]
    public async Task Skip_moves_the_free_occurrences_and_lists_the_one_left_where_it_was()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklyAsync(venue, Monday.AddDays(7), 3);
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(14), "11:00", "12:00"), venue["Aurora"].Id), TestData.Bob));
        var later = venue.At(Monday.AddDays(7), "11:00", "12:00");

        var changed = Done(await Engine.ChangeSeriesAsync(
            new ChangeSeriesCommand(series.Bookings[0].Id, false, later.Start, later.End, Policy: ConflictPolicy.Skip), TestData.Alice));

        var skipped = Assert.Single(changed.Skipped);
        Assert.Equal(series.Bookings[1].Id, skipped.BookingId);
        var members = await MembersAsync(series.SeriesId);
        Assert.Equal(["11:00", "09:00", "11:00"], members.Select(m => venue.Location.ToLocal(m.Start).ToString("HH:mm")));
    }

    [Fact]
    public async Task A_new_rule_adds_and_cancels_occurrences_to_fit_it()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklyAsync(venue, Monday.AddDays(7), 4);

        var changed = Done(await Engine.ChangeSeriesAsync(new ChangeSeriesCommand(series.Bookings[0].Id, false,
            Recurrence: Weekly(3, DayOfWeek.Monday, DayOfWeek.Thursday)), TestData.Alice));

        var live = (await MembersAsync(series.SeriesId)).Where(m => m.Status == BookingStatus.Confirmed).ToList();
        Assert.Equal(["2027-03-08 09:00", "2027-03-11 09:00", "2027-03-15 09:00"], live.Select(m => Local(venue, m.Start)));
        // Thursday the 11th is new; the Mondays the rule no longer reaches are cancelled.
        Assert.Equal([BookingStatus.Confirmed, BookingStatus.Cancelled, BookingStatus.Cancelled], changed.Bookings.Select(b => b.Status));
        var stored = await SeriesAsync(series.SeriesId);
        Assert.Equal(3, stored.OccurrenceCount);
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Thursday], stored.Rule.DaysOfWeek);
    }

    [Fact]
    public async Task A_series_created_with_skip_books_the_free_weeks_and_names_the_others()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var aurora = venue["Aurora"].Id;
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(14), "09:30", "10:30"), aurora), TestData.Bob));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(28), "08:30", "09:30"), aurora), TestData.Bob));

        var series = Done(await Engine.CreateSeriesAsync(Request(venue.At(Monday.AddDays(7), "09:00", "10:00"), aurora) with { ConflictPolicy = ConflictPolicy.Skip },
            Weekly(5), TestData.Alice));

        Assert.Equal(3, series.Bookings.Count);
        Assert.Equal([venue.At(Monday.AddDays(14), "09:00", "10:00").Start, venue.At(Monday.AddDays(28), "09:00", "10:00").Start],
            series.Skipped.Select(s => s.Start));
        Assert.All(series.Skipped, s => Assert.Single(s.Conflicts));
        Assert.Equal(5, await Harness.HoldingAllocationsAsync(aurora));
    }

    [Fact]
    public async Task A_series_created_with_alternatives_takes_the_nearest_free_room_for_a_taken_week()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis", capacity: 12);
            v.RoomUpstairs("Cirrus");
            v.Room("Dune", capacity: 8);
        });
        var aurora = venue["Aurora"].Id;
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(14), "09:00", "10:00"), aurora), TestData.Bob));

        var series = Done(await Engine.CreateSeriesAsync(Request(venue.At(Monday.AddDays(7), "09:00", "10:00"), aurora) with { ConflictPolicy = ConflictPolicy.Alternatives },
            Weekly(3), TestData.Alice));

        Assert.Equal(3, series.Bookings.Count);
        Assert.Empty(series.Skipped);
        var swap = Assert.Single(series.Swapped);
        // Same floor first, then the snuggest fit: Dune (8) before Borealis (12); Cirrus is upstairs.
        Assert.Equal([venue["Dune"].Id], swap.Booked);
        Assert.Equal([aurora], swap.Requested);
        Assert.Equal([venue["Dune"].Id], series.Bookings[1].ResourceIds);
    }

    [Fact]
    public async Task All_or_nothing_answers_each_clashing_week_with_its_own_advice()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
        });
        var aurora = venue["Aurora"].Id;
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(14), "09:00", "10:00"), aurora), TestData.Bob));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(14), "09:00", "10:00"), venue["Borealis"].Id), TestData.Bob));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(21), "09:00", "10:00"), aurora), TestData.Bob));

        var conflict = Assert.IsType<SeriesResult.Conflict>(await Engine.CreateSeriesAsync(
            Request(venue.At(Monday.AddDays(7), "09:00", "10:00"), aurora), Weekly(4), TestData.Alice)).Details;

        Assert.Equal(2, conflict.Occurrences.Count);
        var crowded = conflict.Occurrences[0];
        Assert.Empty(crowded.AlternativeResources);
        Assert.Contains(crowded.SuggestedSlots, s => s.Start == venue.At(Monday.AddDays(14), "10:00", "11:00").Start);
        Assert.Equal(["Borealis"], conflict.Occurrences[1].AlternativeResources.Select(a => a.Name));
        Assert.Equal(2, await Harness.BookingCountAsync(aurora));
    }

    [Fact]
    public async Task Two_skip_series_racing_for_the_same_weeks_never_overlap()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var aurora = venue["Aurora"].Id;
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(21), "09:00", "10:00"), aurora), TestData.Bob));
        var request = Request(venue.At(Monday.AddDays(7), "09:00", "10:00"), aurora) with { ConflictPolicy = ConflictPolicy.Skip };

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => Engine.CreateSeriesAsync(request with { Title = $"Racer {i}" }, Weekly(6), i % 2 == 0 ? TestData.Alice : TestData.Bob))));

        // Each week goes to exactly one racer (or stays Bob's single booking); losers of a week skip it, none fails.
        var booked = results.OfType<SeriesResult.Success>().Sum(r => r.Series.Bookings.Count);
        Assert.Equal(5, booked);
        Assert.All(results, r => Assert.True(r is SeriesResult.Success or SeriesResult.Conflict, r.ToString()));
        Assert.Equal(6, await Harness.HoldingAllocationsAsync(aurora));
    }
    [Fact]
    public async Task Each_clashing_week_can_be_resolved_on_its_own_by_another_room_another_time_the_wait_list_or_skipping_it()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
        });
        var aurora = venue["Aurora"].Id;
        foreach (var week in new[] { 14, 21, 28, 35 })
        {
            Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(week), "09:00", "10:00"), aurora), TestData.Bob));
        }

        var request = Request(venue.At(Monday.AddDays(7), "09:00", "10:00"), aurora);
        var refused = Assert.IsType<SeriesResult.Conflict>(await Engine.CreateSeriesAsync(request, Weekly(5), TestData.Alice)).Details;
        Assert.Equal(4, refused.Occurrences.Count);
        Assert.All(refused.Occurrences, o => Assert.True(o.CanJoinWaitlist));
        var room = refused.Occurrences[0];
        var time = refused.Occurrences[1];
        var later = time.SuggestedSlots.First(s => s.Start > time.Start);

        var series = Done(await Engine.CreateSeriesAsync(request with
        {
            Choices =
            [
                new OccurrenceChoice(room.Start, OccurrenceAction.Book, ResourceIds: [room.AlternativeResources.Single().Id]),
                new OccurrenceChoice(time.Start, OccurrenceAction.Book, later.Start, later.End),
                new OccurrenceChoice(refused.Occurrences[2].Start, OccurrenceAction.Waitlist),
                new OccurrenceChoice(refused.Occurrences[3].Start, OccurrenceAction.Skip),
            ],
        }, Weekly(5), TestData.Alice));

        Assert.Equal([BookingStatus.Confirmed, BookingStatus.Confirmed, BookingStatus.Confirmed, BookingStatus.Pending], series.Bookings.Select(b => b.Status));
        Assert.Equal([aurora, venue["Borealis"].Id, aurora, aurora], series.Bookings.Select(b => b.ResourceIds.Single()));
        Assert.Equal(later.Start, series.Bookings[2].Start);
        Assert.Equal(refused.Occurrences[3].Start, Assert.Single(series.Skipped).Start);
        Assert.All(await MembersAsync(series.SeriesId), m => Assert.Equal(series.SeriesId, m.SeriesId));
        // Bob's four plus the first week and the moved one; the wait-listed week holds nothing.
        Assert.Equal(6, await Harness.HoldingAllocationsAsync(aurora));
    }

    [Fact]
    public async Task A_choice_for_no_occurrence_or_for_a_room_elsewhere_is_refused_and_books_nothing()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var elsewhere = await Harness.SeedVenueAsync(v => v.Room("Zenith"));
        var request = Request(venue.At(Monday.AddDays(7), "09:00", "10:00"), venue["Aurora"].Id);

        var result = await Engine.CreateSeriesAsync(request with
        {
            Choices =
            [
                new OccurrenceChoice(venue.At(Monday.AddDays(8), "09:00", "10:00").Start, OccurrenceAction.Skip),
                new OccurrenceChoice(venue.At(Monday.AddDays(14), "09:00", "10:00").Start, OccurrenceAction.Book, ResourceIds: [elsewhere["Zenith"].Id]),
            ],
        }, Weekly(3), TestData.Alice);

        var errors = Assert.IsType<BookingResult.Invalid>(Assert.IsType<SeriesResult.Failed>(result).Outcome).Errors["choices"];
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, e => e.StartsWith("No occurrence of this request starts at 09:00 on Tue", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("stays at its location", StringComparison.Ordinal));
        Assert.Equal(0, await Harness.BookingCountAsync(venue["Aurora"].Id));
    }

    [Fact]
    public async Task A_series_move_can_skip_one_clashing_week_and_send_another_to_a_free_room()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Borealis");
        });
        var aurora = venue["Aurora"].Id;
        var series = await WeeklyAsync(venue, Monday.AddDays(7), 3);
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(14), "11:00", "12:00"), aurora), TestData.Bob));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday.AddDays(21), "11:00", "12:00"), aurora), TestData.Bob));
        var later = venue.At(Monday.AddDays(7), "11:00", "12:00");
        var move = new ChangeSeriesCommand(series.Bookings[0].Id, false, later.Start, later.End);
        var refused = Assert.IsType<SeriesResult.Conflict>(await Engine.ChangeSeriesAsync(move, TestData.Alice)).Details;
        Assert.Equal(2, refused.Occurrences.Count);

        var changed = Done(await Engine.ChangeSeriesAsync(move with
        {
            Choices =
            [
                new OccurrenceChoice(refused.Occurrences[0].Start, OccurrenceAction.Skip),
                new OccurrenceChoice(refused.Occurrences[1].Start, OccurrenceAction.Book, ResourceIds: [venue["Borealis"].Id]),
            ],
        }, TestData.Alice));

        Assert.Equal(series.Bookings[1].Id, Assert.Single(changed.Skipped).BookingId);
        var members = await MembersAsync(series.SeriesId);
        Assert.Equal(["11:00", "09:00", "11:00"], members.Select(m => venue.Location.ToLocal(m.Start).ToString("HH:mm")));
        Assert.Equal([aurora, aurora, venue["Borealis"].Id], members.Select(m => m.ResourceIds.Single()));
    }

    [Fact]
    public async Task A_series_move_cannot_send_a_week_to_the_wait_list()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklyAsync(venue, Monday.AddDays(7), 2);
        var later = venue.At(Monday.AddDays(7), "11:00", "12:00");

        var result = await Engine.ChangeSeriesAsync(new ChangeSeriesCommand(series.Bookings[0].Id, false, later.Start, later.End,
            Choices: [new OccurrenceChoice(venue.At(Monday.AddDays(14), "11:00", "12:00").Start, OccurrenceAction.Waitlist)]), TestData.Alice);

        var errors = Assert.IsType<BookingResult.Invalid>(Assert.IsType<SeriesResult.Failed>(result).Outcome).Errors;
        Assert.Contains("wait list", Assert.Single(errors["choices"]), StringComparison.Ordinal);
        Assert.All(await MembersAsync(series.SeriesId), m => Assert.Equal("09:00", venue.Location.ToLocal(m.Start).ToString("HH:mm")));
    }
}
