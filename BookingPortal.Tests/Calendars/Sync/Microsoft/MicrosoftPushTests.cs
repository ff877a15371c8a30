using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using BookingPortal.Tests.Fakes.Graph;

namespace BookingPortal.Tests.Calendars.Sync.Microsoft;

/// <summary>Bookings pushed to a room mailbox: create (exactly once), update, delete, and how failures are sorted.</summary>
public sealed class MicrosoftPushTests : IAsyncLifetime
{
    private const string Room = "aurora@contoso.test";
    private static readonly DateTimeOffset Ten = new(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private FakeGraph _graph = null!;
    private ICalendarProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _graph.AddRoom(Room, "Room Aurora");
        _provider = GraphSync.Provider(_graph);
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    [Fact]
    public async Task Create_stores_title_times_owner_room_transaction_id_and_booking_marker()
    {
        var outgoing = Booking("Planning", Ten, Ten.AddHours(1));

        var pushed = await _provider.CreateAsync(Room, outgoing, default);

        var stored = Assert.Single(_graph.Events(Room));
        Assert.Equal(stored.Id, pushed.ExternalId);
        Assert.Equal($"W/\"{stored.ChangeKey}\"", pushed.ETag);
        Assert.Equal(("Planning", Ten, Ten.AddHours(1), "busy", "Aurora"), (stored.Subject, stored.Start, stored.End, stored.ShowAs, stored.Location));
        Assert.Equal([new FakeGraphAttendee("alice@example.test", "Alice Archer", "required")], stored.Attendees);
        Assert.Equal(outgoing.DeliveryKey, stored.TransactionId);
        Assert.Equal(outgoing.BookingId.ToString(), stored.ExtendedProperties[MicrosoftCalendarProvider.BookingIdProperty]);
        Assert.Equal(1, _graph.Count("POST", "/users/aurora@contoso.test/calendar/events"));
    }

    [Fact]
    public async Task Create_retried_after_a_lost_answer_makes_one_event()
    {
        var outgoing = Booking("Planning", Ten, Ten.AddHours(1));
        _graph.FailNext(FakeGraphFault.StoreThenLoseAnswer());

        var lost = await Assert.ThrowsAsync<CalendarSyncException>(() => _provider.CreateAsync(Room, outgoing, default));
        Assert.True(lost.IsTransient);
        Assert.Single(_graph.Events(Room));
        var retried = await _provider.CreateAsync(Room, outgoing, default);

        var stored = Assert.Single(_graph.Events(Room));
        Assert.Equal(stored.Id, retried.ExternalId);
        // Both attempts carried the whole body: a re-sent Kiota model would have posted {} the second time.
        Assert.Equal(2, _graph.Count("POST", "/calendar/events"));
        Assert.Equal("Planning", stored.Subject);
    }

    [Fact]
    public async Task Different_bookings_make_different_events()
    {
        await _provider.CreateAsync(Room, Booking("One", Ten, Ten.AddHours(1)), default);
        await _provider.CreateAsync(Room, Booking("Two", Ten.AddHours(2), Ten.AddHours(3)), default);

        Assert.Equal(["One", "Two"], _graph.Events(Room).Select(e => e.Subject));
    }

    [Fact]
    public async Task Update_moves_renames_and_changes_the_attendee_of_the_event()
    {
        var original = Booking("Planning", Ten, Ten.AddHours(1));
        var pushed = await _provider.CreateAsync(Room, original, default);

        var moved = await _provider.UpdateAsync(Room, pushed.ExternalId,
            original with { Title = "Review", StartUtc = Ten.AddHours(3), EndUtc = Ten.AddHours(5), OwnerEmail = "bob@example.test", OwnerName = "Bob" },
            default);

        var stored = Assert.Single(_graph.Events(Room));
        Assert.Equal(pushed.ExternalId, moved.ExternalId);
        Assert.NotEqual(pushed.ETag, moved.ETag);
        Assert.Equal(("Review", Ten.AddHours(3), Ten.AddHours(5)), (stored.Subject, stored.Start, stored.End));
        Assert.Equal([new FakeGraphAttendee("bob@example.test", "Bob", "required")], stored.Attendees);
        Assert.Equal(original.DeliveryKey, stored.TransactionId);
        Assert.Equal(1, _graph.Count("PATCH", $"/users/aurora@contoso.test/events/{pushed.ExternalId}"));
    }

    [Fact]
    public async Task Update_of_an_event_deleted_there_is_unknown_event()
    {
        var outgoing = Booking("Planning", Ten, Ten.AddHours(1));
        var pushed = await _provider.CreateAsync(Room, outgoing, default);
        _graph.DeleteEvent(Room, pushed.ExternalId);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => _provider.UpdateAsync(Room, pushed.ExternalId, outgoing, default));

        Assert.Equal(CalendarSyncFailure.UnknownEvent, failure.Failure);
        Assert.Contains("ErrorItemNotFound", failure.Message);
    }

    [Fact]
    public async Task Delete_removes_the_event_and_deleting_it_again_succeeds()
    {
        var pushed = await _provider.CreateAsync(Room, Booking("Planning", Ten, Ten.AddHours(1)), default);

        await _provider.DeleteAsync(Room, pushed.ExternalId, default);
        await _provider.DeleteAsync(Room, pushed.ExternalId, default);

        Assert.Empty(_graph.Events(Room));
        Assert.Equal(2, _graph.Count("DELETE", pushed.ExternalId));
    }

    [Fact]
    public async Task A_429_is_throttled_with_graphs_retry_after_and_no_second_attempt()
    {
        _graph.FailNext(FakeGraphFault.Throttle(TimeSpan.FromSeconds(7)));

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            _provider.CreateAsync(Room, Booking("Planning", Ten, Ten.AddHours(1)), default));

        Assert.Equal(CalendarSyncFailure.Throttled, failure.Failure);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
        Assert.True(failure.IsTransient);
        Assert.Equal(1, _graph.Count("POST", "/calendar/events"));
        Assert.Empty(_graph.Events(Room));
    }

    [Fact]
    public async Task A_503_is_throttled_too()
    {
        _graph.FailNext(FakeGraphFault.Unavailable(TimeSpan.FromSeconds(2)));

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => _provider.CheckCalendarAsync(Room, default));

        Assert.Equal((CalendarSyncFailure.Throttled, TimeSpan.FromSeconds(2)), (failure.Failure, failure.RetryAfter));
        Assert.Equal(1, _graph.Count("GET", "/calendar"));
    }

    [Fact]
    public async Task A_500_is_transient_and_the_next_call_succeeds()
    {
        _graph.FailNext(FakeGraphFault.ServerError());
        var outgoing = Booking("Planning", Ten, Ten.AddHours(1));

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => _provider.CreateAsync(Room, outgoing, default));
        await _provider.CreateAsync(Room, outgoing, default);

        Assert.Equal((CalendarSyncFailure.Transient, null), (failure.Failure, failure.RetryAfter));
        Assert.Single(_graph.Events(Room));
    }

    [Fact]
    public async Task A_call_that_outlasts_the_request_timeout_is_transient()
    {
        var provider = GraphSync.Provider(_graph, settings: ("RequestTimeout", "00:00:01"));
        await provider.CheckCalendarAsync(Room, default);
        _graph.FailNext(FakeGraphFault.Stall(TimeSpan.FromSeconds(5)));

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.CheckCalendarAsync(Room, default));

        Assert.Equal(CalendarSyncFailure.Transient, failure.Failure);
    }

    [Fact]
    public async Task A_request_graph_refuses_for_good_is_rejected()
    {
        // A delta URL without its window is a 400 Graph will always give.
        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            _provider.PullAsync(Room, $"{_graph.GraphBaseUrl}/users/{Room}/calendarView/delta", Ten, Ten.AddDays(1), default));

        Assert.Equal(CalendarSyncFailure.Rejected, failure.Failure);
        Assert.False(failure.IsTransient);
        Assert.Contains("ErrorInvalidParameter", failure.Message);
    }

    private static OutgoingEvent Booking(string title, DateTimeOffset start, DateTimeOffset end)
    {
        var bookingId = Guid.NewGuid();
        return new OutgoingEvent(bookingId, Guid.NewGuid(), bookingId.ToString("N"), title, start, end, "Europe/Berlin",
            "alice@example.test", "Alice Archer", "Aurora");
    }
}
