using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Infrastructure.Live;
using BookingPortal.Web.Live;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingPortal.Tests.Api;

/// <summary>GET /api/events: Server-Sent Events with the booking or block as data, per location if asked.</summary>
public sealed class EventsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly DateOnly Tuesday = new(2027, 3, 2);
    private static int _slot;

    private (string Start, string End) FreshSlot()
    {
        var n = Interlocked.Increment(ref _slot);
        var range = api.Venue.At(Tuesday.AddDays(n / 10), $"{8 + n % 10:00}:00", $"{8 + n % 10:00}:30");
        return (range.Start.ToString("O"), range.End.ToString("O"));
    }

    private Task<SseClient> StreamAsync(string query = "", long? lastEventId = null) =>
        SseClient.OpenAsync(api.As(ApiFixture.Bob), $"/api/events{query}", lastEventId?.ToString(CultureInfo.InvariantCulture));

    private async Task<Guid> BookIdAsync(Guid resourceId) => (await BookAsync(resourceId, FreshSlot())).GetProperty("id").GetGuid();

    /// <summary>Books on the stream's watch and returns the event id each booking's booking.created carried.</summary>
    private async Task<List<long>> EventIdsOfNewBookingsAsync(int count)
    {
        await using var stream = await StreamAsync();
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var booking = await BookIdAsync(api.Venue["Aurora"].Id);
            ids.Add((await stream.NextAsync(e => e.Name == "booking.created" && e.Id == booking)).EventId!.Value);
        }

        return ids;
    }

    private async Task<JsonElement> BookAsync(Guid resourceId, (string Start, string End) slot)
    {
        using var client = api.As(ApiFixture.Alice);
        var response = await client.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { resourceId }, start = slot.Start, end = slot.End, title = "Streamed", attendeeCount = 2 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task The_stream_needs_a_bearer_token()
    {
        using var anonymous = api.Anonymous();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/events")).StatusCode);
    }

    [Fact]
    public async Task A_malformed_location_is_a_validation_problem_and_an_unknown_one_is_not_found()
    {
        using var client = api.As(ApiFixture.Bob);

        var malformed = await client.GetAsync("/api/events?locationId=nope");
        var unknown = await client.GetAsync($"/api/events?locationId={Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("locationId", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_new_booking_arrives_as_booking_created_carrying_the_booking_as_the_api_shows_it()
    {
        await using var stream = await StreamAsync($"?locationId={api.Venue.Location.Id}");

        var booking = await BookAsync(api.Venue["Aurora"].Id, FreshSlot());

        var created = await stream.NextAsync(e => e.Name == "booking.created");
        Assert.Equal(booking.GetProperty("id").GetGuid(), created.Id);
        Assert.Equal(booking.GetProperty("start").GetString(), created.Json.GetProperty("start").GetString());
        Assert.Equal("Confirmed", created.Json.GetProperty("status").GetString());
        Assert.Equal(ApiFixture.Alice.Email, created.Json.GetProperty("ownerEmail").GetString());
        Assert.Equal([api.Venue["Aurora"].Id], created.Json.GetProperty("resourceIds").EnumerateArray().Select(e => e.GetGuid()));
    }

    [Fact]
    public async Task Status_changes_arrive_by_name()
    {
        await using var stream = await StreamAsync();
        var id = (await BookAsync(api.Venue["Borealis"].Id, FreshSlot())).GetProperty("id").GetGuid();
        await stream.NextAsync(e => e.Name == "booking.created" && e.Id == id);

        using var alice = api.As(ApiFixture.Alice);
        (await alice.PostAsJsonAsync($"/api/bookings/{id}/cancel", new { reason = "Not needed" })).EnsureSuccessStatusCode();

        var cancelled = await stream.NextAsync(e => e.Id == id);
        Assert.Equal("booking.cancelled", cancelled.Name);
        Assert.Equal("Cancelled", cancelled.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_maintenance_block_arrives_as_block_created()
    {
        await using var stream = await StreamAsync($"?locationId={api.Venue.Location.Id}");
        var slot = api.Venue.At(Tuesday.AddDays(14), "12:00", "13:00");

        using var ada = api.As(ApiFixture.Ada);
        var response = await ada.PostAsJsonAsync($"/api/resources/{api.Venue["Desk 1"].Id}/blocks",
            new { start = slot.Start.ToString("O"), end = slot.End.ToString("O"), reason = "New chair" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var block = await stream.NextAsync(e => e.Name == "block.created");
        Assert.Equal("New chair", block.Json.GetProperty("reason").GetString());
        Assert.Equal(api.Venue["Desk 1"].Id, block.Json.GetProperty("resourceId").GetGuid());
    }

    [Fact]
    public async Task A_location_filter_keeps_other_locations_changes_out()
    {
        var elsewhere = await new EngineHarness(api.ConnectionString).SeedVenueAsync(v => v.Room("Far away"));
        await using var mine = await StreamAsync($"?locationId={api.Venue.Location.Id}");
        await using var all = await StreamAsync();

        var far = await BookAsync(elsewhere["Far away"].Id, FreshSlot());
        var near = await BookAsync(api.Venue["Aurora"].Id, FreshSlot());

        Assert.Equal(near.GetProperty("id").GetGuid(), (await mine.NextAsync(e => e.Name == "booking.created")).Id);
        Assert.Equal(far.GetProperty("id").GetGuid(), (await all.NextAsync(e => e.Name == "booking.created")).Id);
        Assert.Equal(near.GetProperty("id").GetGuid(), (await all.NextAsync(e => e.Name == "booking.created")).Id);
    }

    [Fact]
    public async Task A_stream_resumed_with_Last_Event_ID_gets_exactly_the_missed_events_in_order_and_then_the_live_ones()
    {
        var seen = (await EventIdsOfNewBookingsAsync(1))[0];
        var missed = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            missed.Add(await BookIdAsync(api.Venue["Aurora"].Id));
        }

        // Bookings keep committing while the client reconnects, so some land in the seam between replay and live.
        using var writing = new CancellationTokenSource();
        var during = Task.Run(async () =>
        {
            var made = new List<Guid>();
            while (!writing.IsCancellationRequested && made.Count < 20)
            {
                made.Add(await BookIdAsync(api.Venue["Borealis"].Id));
            }

            return made;
        });
        await using var resumed = await StreamAsync(lastEventId: seen);
        await writing.CancelAsync();
        var concurrent = await during;
        var last = await BookIdAsync(api.Venue["Aurora"].Id);

        var events = new List<SseEvent>();
        while (events.Count == 0 || events[^1].Id != last)
        {
            events.Add(await resumed.NextAsync(_ => true));
        }

        Assert.All(events, e => Assert.Equal("booking.created", e.Name));
        Assert.Equal([.. missed, .. concurrent, last], events.Select(e => e.Id));
        var ids = events.Select(e => e.EventId!.Value).ToList();
        Assert.True(ids[0] > seen, $"the replay started at {ids[0]}, not after {seen}");
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_Last_Event_ID_before_the_replay_window_or_never_handed_out_gets_a_resync_instead_of_a_replay()
    {
        var ids = await EventIdsOfNewBookingsAsync(3);
        var log = new LiveEventLog(NpgsqlDataSource.Create(api.ConnectionString), Options.Create(new LiveEventOptions { ReplayMaxEvents = 1 }),
            TimeProvider.System);
        Assert.True(await log.PruneAsync() > 0);

        // The event after ids[0] is gone; ids[1] itself is the oldest position nothing after which was pruned.
        await using (var tooOld = await StreamAsync(lastEventId: ids[0]))
        {
            Assert.Equal(EventStreamHub.ResyncEvent, (await tooOld.NextAsync(_ => true)).Name);
        }

        await using (var edge = await StreamAsync(lastEventId: ids[1]))
        {
            var replayed = await edge.NextAsync(_ => true);
            Assert.Equal(("booking.created", ids[2]), (replayed.Name, replayed.EventId!.Value));
        }

        await using (var unknown = await StreamAsync(lastEventId: ids[2] + 1000))
        {
            Assert.Equal(EventStreamHub.ResyncEvent, (await unknown.NextAsync(_ => true)).Name);
        }

        await using (var garbled = await StreamAsync("?lastEventId=yesterday"))
        {
            var resync = await garbled.NextAsync(_ => true);
            Assert.Equal((EventStreamHub.ResyncEvent, null), (resync.Name, resync.EventId));
        }
    }
}
