using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Google;

namespace BookingPortal.Tests.Calendars.Sync.Google;

public sealed class GooglePullTests
{
    private const string Room = GoogleSyncHarness.Room;
    private static readonly DateTimeOffset WindowStart = new(2026, 3, 9, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowEnd = new(2026, 4, 9, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Morning = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_full_read_comes_in_pages_and_the_next_pull_reports_only_what_changed()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        google.Fake.MaxPageSize = 2;
        var provider = google.Provider();
        var ours = GoogleSyncHarness.Booking();
        await provider.CreateAsync(Room, ours, CancellationToken.None);
        var outside = Enumerable.Range(0, 4)
            .Select(i => google.Fake.CreateEventDirectly(Room, "grace@example.org", $"Outside {i}", Morning.AddDays(i), Morning.AddDays(i).AddHours(1)))
            .ToList();
        google.Fake.CreateEventDirectly(Room, "grace@example.org", "Long ago", WindowStart.AddDays(-20), WindowStart.AddDays(-20).AddHours(1));

        var (firstRead, pages, delta) = await ReadAllAsync(provider, null);

        Assert.Equal(3, pages);
        Assert.Equal(outside.Append(ours.DeliveryKey).Order(), firstRead.Select(e => e.ExternalId).Order());
        Assert.Equal(ours.BookingId, firstRead.Single(e => e.ExternalId == ours.DeliveryKey).OurBookingId);
        Assert.All(firstRead.Where(e => e.ExternalId != ours.DeliveryKey), e => Assert.Null(e.OurBookingId));
        Assert.All(google.Fake.Requests.Where(r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("/events")),
            r => Assert.Contains("timeMin=", r));

        google.Fake.MoveEventDirectly(Room, outside[0], Morning.AddHours(5), Morning.AddHours(6));
        google.Fake.DeleteEventDirectly(Room, outside[1]);
        var added = google.Fake.CreateEventDirectly(Room, "grace@example.org", "Added", Morning.AddDays(9), Morning.AddDays(9).AddHours(2));
        var (changes, _, nextDelta) = await ReadAllAsync(provider, delta);

        Assert.Equal([outside[0], outside[1], added], changes.Select(e => e.ExternalId));
        Assert.Equal((Morning.AddHours(5), Morning.AddHours(6), false), (changes[0].StartUtc, changes[0].EndUtc, changes[0].Removed));
        Assert.True(changes[1].Removed);
        Assert.False(changes[2].Removed);
        Assert.Contains(google.Fake.Requests, r => r.Contains("syncToken=") && !r.Contains("timeMin="));

        var (nothing, _, _) = await ReadAllAsync(provider, nextDelta);
        Assert.Empty(nothing);
    }

    [Fact]
    public async Task Pulled_events_carry_organiser_subject_and_whether_they_hold_the_room()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var provider = google.Provider();
        var busy = google.Fake.CreateEventDirectly(Room, "grace@example.org", "Design review", Morning, Morning.AddHours(1), "Grace Hopper");
        var free = google.Fake.CreateEventDirectly(Room, "grace@example.org", "Tentative idea", Morning, Morning.AddHours(1), free: true);
        // Europe/Berlin is UTC+1 on 12 March 2026: the day runs from 23:00 UTC the evening before.
        var allDay = google.Fake.CreateAllDayEventDirectly(Room, "facilities@example.org", "Carpet cleaning", new DateOnly(2026, 3, 12));

        var (events, _, _) = await ReadAllAsync(provider, null);

        var shown = events.Single(e => e.ExternalId == busy);
        Assert.Equal(("Design review", "Grace Hopper", "grace@example.org", false, false),
            (shown.Subject, shown.OrganizerName, shown.OrganizerEmail, shown.Free, shown.Removed));
        Assert.Equal((Morning, Morning.AddHours(1)), (shown.StartUtc, shown.EndUtc));
        Assert.True(events.Single(e => e.ExternalId == free).Free);
        var day = events.Single(e => e.ExternalId == allDay);
        Assert.Equal((new DateTimeOffset(2026, 3, 11, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 12, 23, 0, 0, TimeSpan.Zero)),
            (day.StartUtc, day.EndUtc));
    }

    [Fact]
    public async Task An_expired_sync_token_is_cursor_expired_and_a_full_read_starts_again()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var provider = google.Provider();
        google.Fake.CreateEventDirectly(Room, "grace@example.org", "Outside", Morning, Morning.AddHours(1));
        var (_, _, delta) = await ReadAllAsync(provider, null);
        google.Fake.ExpireSyncTokens();

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.PullAsync(Room, delta, WindowStart, WindowEnd, CancellationToken.None));
        var (again, _, _) = await ReadAllAsync(provider, null);

        Assert.Equal(CalendarSyncFailure.CursorExpired, failure.Failure);
        Assert.Single(again);
    }

    [Theory]
    [InlineData("not a cursor")]
    [InlineData("g1.%%%")]
    [InlineData("g1.e30")]
    public async Task A_cursor_this_provider_cannot_read_is_cursor_expired(string cursor)
    {
        await using var google = await GoogleSyncHarness.StartAsync();

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            google.Provider().PullAsync(Room, cursor, WindowStart, WindowEnd, CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.CursorExpired, failure.Failure);
        Assert.Empty(google.Fake.Requests);
    }

    [Fact]
    public async Task A_throttled_page_can_be_fetched_again_with_the_same_cursor()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        google.Fake.MaxPageSize = 1;
        var provider = google.Provider();
        google.Fake.CreateEventDirectly(Room, "grace@example.org", "One", Morning, Morning.AddHours(1));
        google.Fake.CreateEventDirectly(Room, "grace@example.org", "Two", Morning.AddDays(1), Morning.AddDays(1).AddHours(1));
        var first = await provider.PullAsync(Room, null, WindowStart, WindowEnd, CancellationToken.None);
        google.Fake.Fail(Fakes.GoogleCalendar.FakeGoogleFault.TooManyRequests(TimeSpan.FromSeconds(2)));

        var throttled = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            provider.PullAsync(Room, first.NextCursor, WindowStart, WindowEnd, CancellationToken.None));
        var second = await provider.PullAsync(Room, first.NextCursor, WindowStart, WindowEnd, CancellationToken.None);

        Assert.Equal((CalendarSyncFailure.Throttled, TimeSpan.FromSeconds(2)), (throttled.Failure, throttled.RetryAfter));
        Assert.Equal(["One", "Two"], first.Events.Concat(second.Events).Select(e => e.Subject).Order());
        Assert.NotNull(second.DeltaCursor);
    }

    private static async Task<(List<PulledEvent> Events, int Pages, string Delta)> ReadAllAsync(GoogleCalendarProvider provider, string? cursor)
    {
        var events = new List<PulledEvent>();
        for (var pages = 1; ; pages++)
        {
            var page = await provider.PullAsync(Room, cursor, WindowStart, WindowEnd, CancellationToken.None);
            events.AddRange(page.Events);
            if (page.NextCursor is null)
            {
                return (events, pages, page.DeltaCursor!);
            }

            cursor = page.NextCursor;
        }
    }
}
