using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace BookingPortal.Tests.Api;

/// <summary>With the deployed defaults (rate limits on), fifty people try to book one slot at once.</summary>
public class RaceOverHttpTests(DefaultSettingsApiFixture api) : IClassFixture<DefaultSettingsApiFixture>
{
    [Fact]
    public async Task Fifty_parallel_http_creates_for_one_slot_give_one_201_and_forty_nine_409s_with_suggestions()
    {
        var slot = api.Venue.At(new DateOnly(2027, 3, 2), "10:00", "11:00");
        var body = new { resourceIds = new[] { api.Venue["Aurora"].Id }, start = slot.Start, end = slot.End, title = "Race" };
        var clients = Enumerable.Range(0, 50).Select(_ => api.As(ApiFixture.Alice)).ToList();

        using var start = new SemaphoreSlim(0);
        var attempts = clients.Select(client => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await client.PostAsJsonAsync("/api/bookings", body);
        })).ToList();
        start.Release(clients.Count);
        var responses = await Task.WhenAll(attempts);

        var statuses = string.Join(", ", responses.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Count()}x{g.Key}"));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Created) == 1, statuses);
        var conflicts = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(49, conflicts.Count);
        foreach (var conflict in conflicts)
        {
            var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>();
            Assert.NotEmpty(problem.GetProperty("suggestedSlots").EnumerateArray());
        }

        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM allocations WHERE holds AND resource_id = '{api.Venue["Aurora"].Id}'"));
        clients.ForEach(c => c.Dispose());
    }
}
