using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Google;
using BookingPortal.Tests.Fakes.GoogleCalendar;

namespace BookingPortal.Tests.Calendars.Sync.Google;

public sealed class GooglePushTests
{
    private const string Room = GoogleSyncHarness.Room;

    [Fact]
    public async Task Create_stores_the_booking_under_its_delivery_key_with_the_owner_and_our_marker()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var booking = GoogleSyncHarness.Booking();

        var pushed = await google.Provider().CreateAsync(Room, booking, CancellationToken.None);

        var stored = Assert.Single(google.Fake.Events(Room));
        Assert.Equal(booking.DeliveryKey, pushed.ExternalId);
        Assert.Equal(booking.DeliveryKey, stored.Id);
        Assert.NotNull(pushed.ETag);
        Assert.Equal("Quarterly planning", stored.Summary);
        Assert.Equal(booking.StartUtc, stored.Start);
        Assert.Equal(booking.EndUtc, stored.End);
        Assert.Equal("Europe/Berlin", stored.TimeZone);
        Assert.Equal(["ada@example.org"], stored.AttendeeEmails);
        Assert.Equal(booking.BookingId.ToString(), stored.PrivateProperties[GoogleCalendarProvider.BookingIdProperty]);
        Assert.Equal(booking.ResourceId.ToString(), stored.PrivateProperties[GoogleCalendarProvider.ResourceIdProperty]);
        Assert.Contains(google.Fake.Requests, r => r.StartsWith("POST /calendar/v3/calendars/", StringComparison.Ordinal) && r.Contains("sendUpdates=none"));
    }

    [Fact]
    public async Task Create_retried_after_a_lost_answer_makes_one_event()
    {
        await using var google = await GoogleSyncHarness.StartAsync();

        var lost = await CreateTwiceAfterAsync(google, google.Provider(), FakeGoogleFault.StoreThenDrop());

        Assert.Equal(CalendarSyncFailure.Transient, lost.Failure);
    }

    [Fact]
    public async Task Create_retried_after_a_timeout_makes_one_event()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var options = google.Options();
        options.RequestTimeout = TimeSpan.FromSeconds(2);
        var provider = google.Provider(options);
        // The token and the first connection are not part of what times out.
        await provider.CheckCalendarAsync(Room, CancellationToken.None);

        var timedOut = await CreateTwiceAfterAsync(google, provider, FakeGoogleFault.StoreThenDelay(TimeSpan.FromSeconds(30)));

        Assert.Equal(CalendarSyncFailure.Transient, timedOut.Failure);
    }

    /// <summary>A create that meets <paramref name="fault"/> after Google stored it, then its retry: one event either way.</summary>
    private static async Task<CalendarSyncException> CreateTwiceAfterAsync(GoogleSyncHarness google, GoogleCalendarProvider provider, FakeGoogleFault fault)
    {
        var booking = GoogleSyncHarness.Booking();
        google.Fake.Fail(fault);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.CreateAsync(Room, booking, CancellationToken.None));
        var pushed = await provider.CreateAsync(Room, booking, CancellationToken.None);

        Assert.Equal(booking.DeliveryKey, pushed.ExternalId);
        Assert.Equal(booking.DeliveryKey, Assert.Single(google.Fake.Events(Room)).Id);
        Assert.Equal(1, google.Fake.Creates);
        return failure;
    }

    [Fact]
    public async Task Create_of_an_event_deleted_earlier_brings_it_back_with_the_new_state()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var provider = google.Provider();
        var booking = GoogleSyncHarness.Booking();
        await provider.CreateAsync(Room, booking, CancellationToken.None);
        await provider.DeleteAsync(Room, booking.DeliveryKey, CancellationToken.None);

        var moved = booking with { StartUtc = booking.StartUtc.AddHours(2), EndUtc = booking.EndUtc.AddHours(2) };
        await provider.CreateAsync(Room, moved, CancellationToken.None);

        var stored = Assert.Single(google.Fake.Events(Room));
        Assert.Equal(moved.StartUtc, stored.Start);
        Assert.Equal("confirmed", stored.Status);
    }

    [Fact]
    public async Task Create_on_a_calendar_the_user_may_only_read_is_missing_permission()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        google.Fake.SetAccess(Room, FakeCalendarAccess.Reader);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            google.Provider().CreateAsync(Room, GoogleSyncHarness.Booking(), CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.MissingPermission, failure.Failure);
        Assert.Empty(google.Fake.Events(Room));
    }

    [Fact]
    public async Task Create_with_an_id_Google_refuses_is_rejected()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var booking = GoogleSyncHarness.Booking() with { DeliveryKey = "Not-Base32hex!" };

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => google.Provider().CreateAsync(Room, booking, CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.Rejected, failure.Failure);
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task Update_moves_the_event_and_changes_its_title()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var provider = google.Provider();
        var booking = GoogleSyncHarness.Booking();
        var created = await provider.CreateAsync(Room, booking, CancellationToken.None);

        var changed = booking with { Title = "Planning (moved)", StartUtc = booking.StartUtc.AddHours(3), EndUtc = booking.EndUtc.AddHours(4) };
        var updated = await provider.UpdateAsync(Room, created.ExternalId, changed, CancellationToken.None);

        var stored = Assert.Single(google.Fake.Events(Room));
        Assert.Equal(("Planning (moved)", changed.StartUtc, changed.EndUtc), (stored.Summary, stored.Start, stored.End));
        Assert.Equal(created.ExternalId, updated.ExternalId);
        Assert.NotEqual(created.ETag, updated.ETag);
        Assert.Equal(1, google.Fake.Creates);
    }

    [Fact]
    public async Task Update_of_an_event_gone_from_the_calendar_is_unknown_event()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var provider = google.Provider();
        var booking = GoogleSyncHarness.Booking();
        var created = await provider.CreateAsync(Room, booking, CancellationToken.None);
        google.Fake.PurgeEvent(Room, created.ExternalId);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            provider.UpdateAsync(Room, created.ExternalId, booking, CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.UnknownEvent, failure.Failure);
    }

    [Fact]
    public async Task Delete_removes_the_event_and_deleting_it_again_or_after_it_is_purged_is_fine()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var provider = google.Provider();
        var created = await provider.CreateAsync(Room, GoogleSyncHarness.Booking(), CancellationToken.None);

        await provider.DeleteAsync(Room, created.ExternalId, CancellationToken.None);
        Assert.Empty(google.Fake.Events(Room));
        Assert.Equal("cancelled", google.Fake.Find(Room, created.ExternalId)?.Status);

        await provider.DeleteAsync(Room, created.ExternalId, CancellationToken.None);
        google.Fake.PurgeEvent(Room, created.ExternalId);
        await provider.DeleteAsync(Room, created.ExternalId, CancellationToken.None);
        Assert.Equal(3, google.Fake.Requests.Count(r => r.StartsWith("DELETE ", StringComparison.Ordinal)));
    }

    public static TheoryData<string, CalendarSyncFailure, int?> Faults => new()
    {
        { "429", CalendarSyncFailure.Throttled, 7 },
        { "503-date", CalendarSyncFailure.Throttled, 30 },
        { "403-rate", CalendarSyncFailure.Throttled, null },
        { "503", CalendarSyncFailure.Throttled, null },
        { "500", CalendarSyncFailure.Transient, null },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Failed_calls_say_what_kind_of_failure_and_how_long_to_wait(string fault, CalendarSyncFailure expected, int? waitSeconds)
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        google.Fake.Fail(fault switch
        {
            "429" => FakeGoogleFault.TooManyRequests(TimeSpan.FromSeconds(7)),
            "503-date" => FakeGoogleFault.ServiceUnavailableUntil(DateTimeOffset.UtcNow.AddSeconds(31)),
            "403-rate" => FakeGoogleFault.RateLimitExceeded(),
            "503" => FakeGoogleFault.ServiceUnavailable(),
            _ => FakeGoogleFault.ServerError(),
        });
        var provider = google.Provider();
        var booking = GoogleSyncHarness.Booking();

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.CreateAsync(Room, booking, CancellationToken.None));

        Assert.Equal(expected, failure.Failure);
        Assert.True(failure.IsTransient);
        if (waitSeconds is { } seconds)
        {
            // An HTTP date has whole seconds and the clock moves on: allow for both.
            Assert.InRange(failure.RetryAfter!.Value.TotalSeconds, seconds - 1.5, seconds + 1);
        }
        else
        {
            Assert.Null(failure.RetryAfter);
        }

        Assert.Empty(google.Fake.Events(Room));
        await provider.CreateAsync(Room, booking, CancellationToken.None);
        Assert.Single(google.Fake.Events(Room));
    }
}
