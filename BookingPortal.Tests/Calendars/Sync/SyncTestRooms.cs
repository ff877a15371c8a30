using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Tests.Api;

namespace BookingPortal.Tests.Calendars.Sync;

/// <summary>Rooms and slots of their own for each sync test, so tests sharing one database and one calendar service never meet.</summary>
internal static class SyncTestRooms
{
    private static readonly DateOnly Monday = new(2027, 3, 1);
    private static int _slot;

    /// <summary>A weekday 45-minute slot in opening hours, never handed out twice in a test run.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) FreshSlot(ApiFixture api)
    {
        var n = Interlocked.Increment(ref _slot);
        var week = n / 40;
        var day = Monday.AddDays(7 + week * 7 + n % 40 / 8);
        var range = api.Venue.At(day, $"{8 + n % 8:00}:00", $"{8 + n % 8:00}:45");
        return (range.Start, range.End);
    }

    public static async Task<Guid> FreshRoomAsync(ApiFixture api)
    {
        using var ada = api.As(ApiFixture.Ada);
        var response = await ada.PostAsJsonAsync("/api/resources", new
        {
            locationId = api.Venue.Location.Id, floorId = api.Venue.Floors[0].Id, kind = "Room", name = $"Room {Guid.NewGuid():N}"[..13], capacity = 6,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Links the room to the calendar and returns what the link answered.</summary>
    public static async Task<JsonElement> LinkAsync(ApiFixture api, Guid room, string calendar, string provider = "google")
    {
        using var ada = api.As(ApiFixture.Ada);
        var linked = await ada.PutAsJsonAsync($"/api/resources/{room}/calendar-link", new { provider, calendarId = calendar });
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        return await linked.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The room's row of <c>GET /api/sync/status</c>, as an admin sees it.</summary>
    public static async Task<JsonElement> StatusAsync(ApiFixture api, Guid room)
    {
        using var ada = api.As(ApiFixture.Ada);
        return (await ada.GetFromJsonAsync<JsonElement>("/api/sync/status")).EnumerateArray().Single(s => s.GetProperty("resourceId").GetGuid() == room);
    }

    /// <summary>The fixture's settings with the scheduler on, push and pull each looking for work every second, and <paramref name="more"/>.</summary>
    public static Dictionary<string, string> FastSyncSettings(IReadOnlyDictionary<string, string> settings, params (string Key, string Value)[] more)
    {
        var all = new Dictionary<string, string>(settings)
        {
            ["Scheduling:Enabled"] = "true",
            ["Scheduling:CalendarPushInterval"] = "00:00:01",
            ["Scheduling:CalendarPullInterval"] = "00:00:01",
            ["Scheduling:ClusterCheckinInterval"] = "00:00:01",
            ["Sync:PollSeconds"] = "1",
        };
        foreach (var (key, value) in more)
        {
            all[key] = value;
        }

        return all;
    }
}
