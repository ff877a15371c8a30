using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace BookingPortal.Tests.Api;

public class NotificationsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly DateOnly Tuesday = new(2027, 3, 2);

    [Fact]
    public async Task People_read_their_own_notifications_newest_first_and_mark_them_read()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var olga = api.As(ApiFixture.Olga);
        using var bob = api.As(ApiFixture.Bob);
        var bookings = new List<Guid>();
        foreach (var hour in new[] { "09", "10" })
        {
            var slot = api.Venue.At(Tuesday, $"{hour}:00", $"{hour}:45");
            var created = await alice.PostAsJsonAsync("/api/bookings",
                new { resourceIds = new[] { api.Venue["Aurora"].Id }, start = slot.Start, end = slot.End, title = "Review" });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            api.Clock.Advance(TimeSpan.FromMinutes(1));
            (await olga.PostAsJsonAsync($"/api/bookings/{id}/cancel", new { reason = "audit" })).EnsureSuccessStatusCode();
            bookings.Add(id);
        }

        var mine = await alice.GetFromJsonAsync<JsonElement>("/api/notifications");
        var items = mine.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, mine.GetProperty("unreadCount").GetInt32());
        Assert.Equal(bookings.AsEnumerable().Reverse(), items.Select(n => n.GetProperty("bookingId").GetGuid()));
        Assert.All(items, n =>
        {
            Assert.Equal("Cancelled", n.GetProperty("kind").GetString());
            Assert.Equal("Booking cancelled", n.GetProperty("subject").GetString());
            Assert.Contains("cancelled by olga@api.test: audit", n.GetProperty("message").GetString());
            Assert.Equal(JsonValueKind.Null, n.GetProperty("readAt").ValueKind);
            Assert.EndsWith("Z", n.GetProperty("createdAt").GetString());
        });
        Assert.Empty((await bob.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").EnumerateArray());

        var newest = items[0].GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/api/notifications/{newest}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsync($"/api/notifications/{newest}/read", null)).StatusCode);
        Assert.Equal(1, (await alice.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("unreadCount").GetInt32());
        var all = await alice.PostAsync("/api/notifications/read-all", null);
        Assert.Equal(1, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("marked").GetInt32());
        var after = await alice.GetFromJsonAsync<JsonElement>("/api/notifications?limit=1");
        Assert.Equal(0, after.GetProperty("unreadCount").GetInt32());
        Assert.Single(after.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_bad_page_size_is_a_validation_problem()
    {
        using var alice = api.As(ApiFixture.Alice);

        var response = await alice.GetAsync("/api/notifications?limit=0");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }
}
