using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Tests.Fakes.Graph;

namespace BookingPortal.Tests.Calendars.Sync.Microsoft;

/// <summary>"Test connection" through the real Graph SDK and Azure.Identity against the fake sign-in and Graph.</summary>
public sealed class MicrosoftCheckTests : IAsyncLifetime
{
    private const string Room = "aurora@contoso.test";
    private const string Closed = "boardroom@contoso.test";
    private FakeGraph _graph = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _graph.AddRoom(Room, "Room Aurora");
        _graph.AddRoom(Closed, "Boardroom", MailboxAccess.Forbidden);
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    [Fact]
    public async Task Check_signs_in_and_answers_the_room_mailbox_name()
    {
        var provider = GraphSync.Provider(_graph);

        var info = await provider.CheckCalendarAsync(Room, default);

        Assert.True(provider.IsConfigured);
        Assert.Equal(new CalendarInfo(Room, "Room Aurora"), info);
        Assert.Equal(1, _graph.TokensIssued);
        Assert.Equal(["GET /v1.0/users/aurora@contoso.test/calendar"], _graph.Requests);
        Assert.Empty(_graph.Unhandled);
    }

    [Fact]
    public async Task One_token_serves_many_calls()
    {
        var provider = GraphSync.Provider(_graph);

        for (var i = 0; i < 3; i++)
        {
            await provider.CheckCalendarAsync(Room, default);
        }

        Assert.Equal(1, _graph.TokenRequests);
        Assert.Equal(3, _graph.Count("GET", "/calendar"));
    }

    [Fact]
    public async Task A_wrong_secret_is_bad_credentials_naming_the_secret_setting_without_showing_it()
    {
        const string wrong = "not-the-secret-at-all";
        var provider = GraphSync.Provider(_graph, secret: wrong);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.CheckCalendarAsync(Room, default));

        Assert.Equal(CalendarSyncFailure.BadCredentials, failure.Failure);
        Assert.False(failure.IsTransient);
        Assert.Contains("invalid_client", failure.Message);
        Assert.Contains("Sync:Microsoft:ClientSecret", failure.Message);
        Assert.DoesNotContain(wrong, failure.ToString());
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task An_unknown_client_id_is_bad_credentials_naming_it()
    {
        var provider = GraphSync.Provider(_graph, settings: ("ClientId", "00000000-0000-0000-0000-000000000001"));

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.CheckCalendarAsync(Room, default));

        Assert.Equal(CalendarSyncFailure.BadCredentials, failure.Failure);
        Assert.Contains("unauthorized_client", failure.Message);
        Assert.Contains("00000000-0000-0000-0000-000000000001", failure.Message);
    }

    [Fact]
    public async Task A_mailbox_outside_the_access_policy_is_missing_permission()
    {
        var provider = GraphSync.Provider(_graph);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.CheckCalendarAsync(Closed, default));

        Assert.Equal(CalendarSyncFailure.MissingPermission, failure.Failure);
        Assert.Contains(Closed, failure.Message);
        Assert.Contains("ErrorAccessDenied", failure.Message);
        Assert.Contains("Calendars.ReadWrite", failure.Message);
    }

    [Fact]
    public async Task An_unknown_mailbox_is_unknown_calendar()
    {
        var provider = GraphSync.Provider(_graph);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.CheckCalendarAsync("nobody@contoso.test", default));

        Assert.Equal(CalendarSyncFailure.UnknownCalendar, failure.Failure);
        Assert.Contains("nobody@contoso.test", failure.Message);
        Assert.Contains("ErrorInvalidUser", failure.Message);
    }

    [Fact]
    public async Task Without_credentials_the_provider_is_not_configured_and_says_what_to_set()
    {
        var provider = GraphSync.Provider(_graph, secret: "");

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() => provider.CheckCalendarAsync(Room, default));

        Assert.False(provider.IsConfigured);
        Assert.Equal(CalendarSyncFailure.BadCredentials, failure.Failure);
        Assert.Contains("Sync:Microsoft:TenantId, ClientId and ClientSecret", failure.Message);
        Assert.Equal(0, _graph.TokenRequests);
    }
}
