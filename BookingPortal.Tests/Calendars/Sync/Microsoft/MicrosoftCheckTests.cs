using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Tests.Fakes.Graph;

namespace BookingPortal.Tests.Calendars.Sync.Microsoft;

/// <summary>"Test connection" through the real Graph SDK and Azure.Identity against the fake sign-in and Graph.</summary>
public sealed class MicrosoftCheckTests : IAsyncLifetime
{
    private const string Room = "aurora@contoso.test";
    private FakeGraph _graph = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _graph.AddRoom(Room, "Room Aurora");
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    [Fact]
    public async Task Check_signs_in_and_answers_the_room_mailbox_name()
    {
        var provider = GraphSync.Provider(_graph);

        var info = await provider.CheckCalendarAsync(Room, default);

        Assert.Equal(new CalendarInfo(Room, "Room Aurora"), info);
        Assert.Equal(1, _graph.TokensIssued);
        Assert.Equal(["GET /v1.0/users/aurora@contoso.test/calendar"], _graph.Requests);
        Assert.Empty(_graph.Unhandled);
    }
}
