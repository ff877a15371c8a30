using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Tests.Fakes.Graph;

namespace BookingPortal.Tests.Calendars.Sync.Microsoft;

/// <summary>Outside events read through <c>calendarView/delta</c>: full reads paged by nextLink, rounds by deltaLink.</summary>
public sealed class MicrosoftPullTests : IAsyncLifetime
{
    private const string Room = "aurora@contoso.test";
    private static readonly DateTimeOffset From = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(7);
    private FakeGraph _graph = null!;
    private ICalendarProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _graph.AddRoom(Room, "Room Aurora");
        _provider = GraphSync.Provider(_graph, settings: ("PullPageSize", "2"));
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    [Fact]
    public async Task A_full_read_follows_next_links_and_ends_with_a_delta_link()
    {
        var outside = Enumerable.Range(0, 4).Select(i => Outside($"Meeting {i}", From.AddHours(9 + 24 * i))).ToList();
        Outside("Long ago", From.AddDays(-3));
        var ours = await _provider.CreateAsync(Room, new OutgoingEvent(Guid.NewGuid(), Guid.NewGuid(), "k1", "Ours",
            From.AddDays(5), From.AddDays(5).AddHours(1), "UTC", "alice@example.test", null, "Aurora"), default);

        var pages = await ReadAllAsync(null);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Events.Count));
        Assert.All(pages[..^1], p => Assert.Null(p.DeltaCursor));
        Assert.NotNull(pages[^1].DeltaCursor);
        var events = pages.SelectMany(p => p.Events).ToList();
        Assert.Equal(outside.Select(e => e.Id).Append(ours.ExternalId), events.Select(e => e.ExternalId));
        var first = events[0];
        Assert.Equal(("Meeting 0", From.AddHours(9), From.AddHours(10)), (first.Subject, first.StartUtc, first.EndUtc));
        Assert.Equal(("Dana Dean", "dana@contoso.test", false, false), (first.OrganizerName, first.OrganizerEmail, first.Removed, first.Free));
        Assert.Equal($"W/\"{outside[0].ChangeKey}\"", first.ETag);
        // Delta items carry no extended properties: our own event is known by its id, not by the marker.
        Assert.Null(events[^1].OurBookingId);
        Assert.Equal(1, _graph.Count("GET", "startDateTime=2027-03-01T00:00:00"));
        Assert.Equal(2, _graph.Count("GET", "$skiptoken="));
        Assert.Empty(_graph.Unhandled);
    }

    [Fact]
    public async Task An_incremental_round_reports_creates_moves_frees_and_deletes_made_there()
    {
        var moved = Outside("Moved", From.AddHours(9));
        var deleted = Outside("Deleted", From.AddHours(11));
        var leaving = Outside("Leaving the window", From.AddHours(13));
        Outside("Untouched", From.AddHours(15));
        var delta = (await ReadAllAsync(null))[^1].DeltaCursor;

        _graph.MoveEvent(Room, moved.Id, From.AddHours(10), From.AddHours(12));
        _graph.DeleteEvent(Room, deleted.Id);
        _graph.MoveEvent(Room, leaving.Id, To.AddDays(2), To.AddDays(2).AddHours(1));
        var created = _graph.CreateEventAsOrganizer(Room, "Tentative lunch", From.AddHours(12), From.AddHours(13), "Eve", "eve@contoso.test", showAs: "free");
        var pages = await ReadAllAsync(delta);

        var events = pages.SelectMany(p => p.Events).ToDictionary(e => e.ExternalId);
        Assert.Equal(4, events.Count);
        Assert.Equal((false, From.AddHours(10), From.AddHours(12)), (events[moved.Id].Removed, events[moved.Id].StartUtc, events[moved.Id].EndUtc));
        Assert.Equal((true, null), (events[deleted.Id].Removed, events[deleted.Id].StartUtc));
        Assert.True(events[leaving.Id].Removed);
        Assert.Equal((false, true, "Tentative lunch"), (events[created.Id].Removed, events[created.Id].Free, events[created.Id].Subject));
        Assert.Equal(1, _graph.Count("GET", "$deltatoken="));

        var quiet = await _provider.PullAsync(Room, pages[^1].DeltaCursor, From, To, default);
        Assert.Equal((0, null), (quiet.Events.Count, quiet.NextCursor));
        Assert.NotNull(quiet.DeltaCursor);
    }

    [Fact]
    public async Task A_delta_link_graph_no_longer_knows_is_cursor_expired()
    {
        Outside("Meeting", From.AddHours(9));
        var delta = (await ReadAllAsync(null))[^1].DeltaCursor;
        _graph.InvalidateDeltaTokens();

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => _provider.PullAsync(Room, delta, From, To, default));

        Assert.Equal(CalendarSyncFailure.CursorExpired, failure.Failure);
        Assert.Contains("syncStateNotFound", failure.Message);
        Assert.Single((await ReadAllAsync(null)).SelectMany(p => p.Events));
    }

    [Fact]
    public async Task A_next_link_graph_no_longer_knows_is_cursor_expired()
    {
        for (var i = 0; i < 3; i++)
        {
            Outside($"Meeting {i}", From.AddHours(9 + i));
        }

        var first = await _provider.PullAsync(Room, null, From, To, default);
        _graph.InvalidateDeltaTokens();

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => _provider.PullAsync(Room, first.NextCursor, From, To, default));

        Assert.Equal(CalendarSyncFailure.CursorExpired, failure.Failure);
    }

    [Fact]
    public async Task A_throttled_page_is_throttled_and_the_same_cursor_works_afterwards()
    {
        for (var i = 0; i < 3; i++)
        {
            Outside($"Meeting {i}", From.AddHours(9 + i));
        }

        var first = await _provider.PullAsync(Room, null, From, To, default);
        _graph.FailNext(FakeGraphFault.Throttle(TimeSpan.FromSeconds(30)));

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => _provider.PullAsync(Room, first.NextCursor, From, To, default));
        var second = await _provider.PullAsync(Room, first.NextCursor, From, To, default);

        Assert.Equal((CalendarSyncFailure.Throttled, TimeSpan.FromSeconds(30)), (failure.Failure, failure.RetryAfter));
        Assert.Single(second.Events);
        Assert.NotNull(second.DeltaCursor);
    }

    private FakeGraphEvent Outside(string subject, DateTimeOffset start) =>
        _graph.CreateEventAsOrganizer(Room, subject, start, start.AddHours(1), "Dana Dean", "dana@contoso.test");

    private async Task<List<PullPage>> ReadAllAsync(string? cursor)
    {
        var pages = new List<PullPage>();
        do
        {
            var page = await _provider.PullAsync(Room, cursor, From, To, default);
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return pages;
    }
}
