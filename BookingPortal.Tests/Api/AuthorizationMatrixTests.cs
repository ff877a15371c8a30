using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Domain.Common;

namespace BookingPortal.Tests.Api;

/// <summary>Every endpoint of the API against every kind of caller: who may, who may not, and with which status.</summary>
public class AuthorizationMatrixTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static int _slot;

    public enum Caller
    {
        Anonymous,
        Owner,
        OtherStaff,
        Operator,
        OperatorElsewhere,
        Admin,
    }

    // Columns: anonymous, owner (staff), other staff, operator of the booking's location, operator of another location, admin.
    private static readonly Dictionary<string, int[]> Matrix = new()
    {
        ["GET /api/locations"] = [401, 200, 200, 200, 200, 200],
        ["GET /api/resources"] = [401, 200, 200, 200, 200, 200],
        ["GET /api/resources/{id}"] = [401, 200, 200, 200, 200, 200],
        ["POST /api/resources"] = [401, 403, 403, 403, 403, 201],
        ["PUT /api/resources/{id}"] = [401, 403, 403, 403, 403, 200],
        ["DELETE /api/resources/{id}"] = [401, 403, 403, 403, 403, 204],
        ["POST /api/resources/{id}/blocks"] = [401, 403, 403, 403, 403, 201],
        // No calendar provider is configured in this fixture, so even an admin's link is refused with what to set.
        ["PUT /api/resources/{id}/calendar-link"] = [401, 403, 403, 403, 403, 422],
        ["DELETE /api/resources/{id}/calendar-link"] = [401, 403, 403, 403, 403, 404],
        ["GET /api/sync/status"] = [401, 403, 403, 403, 403, 200],
        ["GET /api/availability"] = [401, 200, 200, 200, 200, 200],
        ["POST /api/bookings"] = [401, 201, 201, 201, 201, 201],
        ["POST /api/bookings (recurring)"] = [401, 201, 201, 201, 201, 201],
        ["GET /api/bookings"] = [401, 200, 200, 200, 200, 200],
        ["GET /api/bookings/{id}"] = [401, 200, 200, 200, 200, 200],
        ["PATCH /api/bookings/{id}"] = [401, 200, 403, 403, 403, 200],
        ["POST /api/bookings/{id}/cancel"] = [401, 200, 403, 200, 403, 200],
        ["POST /api/bookings/{id}/cancel (series)"] = [401, 200, 403, 200, 403, 200],
        ["POST /api/bookings/{id}/check-in"] = [401, 200, 403, 200, 403, 200],
        ["POST /api/bookings/{id}/approve"] = [401, 403, 403, 403, 403, 200],
        ["POST /api/bookings/{id}/reject"] = [401, 403, 403, 403, 403, 200],
        ["GET /api/bookings/{id}/history"] = [401, 200, 403, 200, 403, 200],
        ["POST /api/bookings/process-pending"] = [401, 403, 403, 403, 403, 200],
        ["GET /api/notifications"] = [401, 200, 200, 200, 200, 200],
        ["POST /api/notifications/{id}/read"] = [401, 204, 404, 404, 404, 404],
        ["POST /api/notifications/read-all"] = [401, 200, 200, 200, 200, 200],
    };

    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        foreach (var endpoint in Matrix.Keys)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(endpoint, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Endpoint_answers_each_caller_as_the_matrix_says(string endpoint, Caller caller)
    {
        var expected = (HttpStatusCode)Matrix[endpoint][(int)caller];
        using var client = ClientFor(caller);

        var response = await CallAsync(endpoint, client);

        Assert.True(expected == response.StatusCode, $"{endpoint} as {caller}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if ((int)expected >= 400 && caller != Caller.Anonymous)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public void The_matrix_covers_every_api_endpoint()
    {
        // 24 endpoints, two of them also in their series form.
        Assert.Equal(26, Matrix.Count);
        Assert.All(Matrix.Values, row => Assert.Equal(Enum.GetValues<Caller>().Length, row.Length));
    }

    private HttpClient ClientFor(Caller caller) => caller switch
    {
        Caller.Anonymous => api.Anonymous(),
        Caller.Owner => api.As(ApiFixture.Alice),
        Caller.OtherStaff => api.As(ApiFixture.Bob),
        Caller.Operator => api.As(ApiFixture.Olga),
        Caller.OperatorElsewhere => api.As(ApiFixture.Oskar),
        Caller.Admin => api.As(ApiFixture.Ada),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private static (DateTimeOffset Start, DateTimeOffset End) NextSlot(ApiFixture api)
    {
        var n = Interlocked.Increment(ref _slot);
        var weekday = n / 12;
        var day = new DateOnly(2027, 3, 1).AddDays(weekday / 5 * 7 + weekday % 5);
        var range = api.Venue.At(day, "07:00", "07:45");
        var shifted = (range.Start.AddHours(n % 12), range.End.AddHours(n % 12));
        return shifted;
    }

    private async Task<Guid> OwnedBookingAsync(string room = "Aurora")
    {
        using var alice = api.As(ApiFixture.Alice);
        var (start, end) = NextSlot(api);
        var response = await alice.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { api.Venue[room].Id }, start, end, title = "Owned" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>A notification of the owner's: an operator cancelled one of their bookings.</summary>
    private async Task<Guid> OwnedNotificationAsync()
    {
        var booking = await OwnedBookingAsync();
        using var olga = api.As(ApiFixture.Olga);
        (await olga.PostAsJsonAsync($"/api/bookings/{booking}/cancel", new { reason = "Matrix" })).EnsureSuccessStatusCode();
        using var alice = api.As(ApiFixture.Alice);
        var mine = await alice.GetFromJsonAsync<JsonElement>("/api/notifications?limit=200");
        return mine.GetProperty("items").EnumerateArray().First(n => n.GetProperty("bookingId").GetGuid() == booking).GetProperty("id").GetGuid();
    }

    /// <summary>A weekly series of three on a room of its own, so series never collide with the matrix's other slots.</summary>
    private async Task<Guid> OwnedSeriesAsync()
    {
        using var alice = api.As(ApiFixture.Alice);
        var response = await alice.PostAsJsonAsync("/api/bookings", await SeriesBodyAsync());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookings")[0].GetProperty("id").GetGuid();
    }

    private async Task<object> SeriesBodyAsync()
    {
        var (start, end) = NextSlot(api);
        return new
        {
            resourceIds = new[] { await FreshResourceAsync() }, start, end, title = "Weekly",
            recurrence = new { frequency = "weekly", count = 3 },
        };
    }

    private async Task<Guid> FreshResourceAsync()
    {
        using var ada = api.As(ApiFixture.Ada);
        var response = await ada.PostAsJsonAsync("/api/resources", ResourceBody($"Room {Guid.NewGuid():N}"[..13]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private object ResourceBody(string name) => new
    {
        locationId = api.Venue.Location.Id,
        floorId = api.Venue.Floors[0].Id,
        kind = "Room",
        name,
        capacity = 4,
        features = new[] { "whiteboard" },
    };

    private async Task<HttpResponseMessage> CallAsync(string endpoint, HttpClient client)
    {
        var aurora = api.Venue["Aurora"].Id;
        var (start, end) = NextSlot(api);
        switch (endpoint)
        {
            case "GET /api/locations":
                return await client.GetAsync("/api/locations");
            case "GET /api/resources":
                return await client.GetAsync("/api/resources?kind=Room");
            case "GET /api/resources/{id}":
                return await client.GetAsync($"/api/resources/{aurora}");
            case "POST /api/resources":
                return await client.PostAsJsonAsync("/api/resources", ResourceBody($"New {Guid.NewGuid():N}"[..12]));
            case "PUT /api/resources/{id}":
                return await client.PutAsJsonAsync($"/api/resources/{await FreshResourceAsync()}", ResourceBody("Renamed"));
            case "DELETE /api/resources/{id}":
                return await client.DeleteAsync($"/api/resources/{await FreshResourceAsync()}");
            case "POST /api/resources/{id}/blocks":
                return await client.PostAsJsonAsync($"/api/resources/{await FreshResourceAsync()}/blocks", new { start, end, reason = "Painting" });
            case "PUT /api/resources/{id}/calendar-link":
                return await client.PutAsJsonAsync($"/api/resources/{aurora}/calendar-link", new { provider = "google", calendarId = "aurora@rooms.test" });
            case "DELETE /api/resources/{id}/calendar-link":
                return await client.DeleteAsync($"/api/resources/{aurora}/calendar-link");
            case "GET /api/sync/status":
                return await client.GetAsync("/api/sync/status");
            case "GET /api/availability":
                return await client.GetAsync($"/api/availability?start={Uri.EscapeDataString(start.ToString("O"))}&end={Uri.EscapeDataString(end.ToString("O"))}");
            case "POST /api/bookings":
                return await client.PostAsJsonAsync("/api/bookings", new { resourceIds = new[] { aurora }, start, end, title = "Matrix" });
            case "POST /api/bookings (recurring)":
                return await client.PostAsJsonAsync("/api/bookings", await SeriesBodyAsync());
            case "GET /api/bookings":
                return await client.GetAsync("/api/bookings?limit=5");
            case "GET /api/bookings/{id}":
                return await client.GetAsync($"/api/bookings/{await OwnedBookingAsync()}");
            case "PATCH /api/bookings/{id}":
                return await client.PatchAsJsonAsync($"/api/bookings/{await OwnedBookingAsync()}", new { title = "Changed" });
            case "POST /api/bookings/{id}/cancel":
                return await client.PostAsJsonAsync($"/api/bookings/{await OwnedBookingAsync()}/cancel", new { reason = "Matrix" });
            case "POST /api/bookings/{id}/cancel (series)":
                return await client.PostAsJsonAsync($"/api/bookings/{await OwnedSeriesAsync()}/cancel", new { reason = "Matrix", scope = "series" });
            case "POST /api/bookings/{id}/check-in":
            {
                var id = await OwnedBookingAsync();
                var booking = await (await api.As(ApiFixture.Alice).GetAsync($"/api/bookings/{id}")).Content.ReadFromJsonAsync<JsonElement>();
                var now = api.Clock.GetUtcNow();
                api.Clock.Set(booking.GetProperty("start").GetDateTimeOffset().AddMinutes(-5));
                try
                {
                    return await client.PostAsync($"/api/bookings/{id}/check-in", null);
                }
                finally
                {
                    api.Clock.Set(now);
                }
            }

            case "POST /api/bookings/{id}/approve":
                return await client.PostAsync($"/api/bookings/{await OwnedBookingAsync("Board")}/approve", null);
            case "POST /api/bookings/{id}/reject":
                return await client.PostAsJsonAsync($"/api/bookings/{await OwnedBookingAsync("Board")}/reject", new { reason = "No" });
            case "GET /api/bookings/{id}/history":
                return await client.GetAsync($"/api/bookings/{await OwnedBookingAsync()}/history");
            case "POST /api/bookings/process-pending":
                return await client.PostAsync("/api/bookings/process-pending", null);
            case "GET /api/notifications":
                return await client.GetAsync("/api/notifications");
            case "POST /api/notifications/{id}/read":
                return await client.PostAsync($"/api/notifications/{await OwnedNotificationAsync()}/read", null);
            case "POST /api/notifications/read-all":
                return await client.PostAsync("/api/notifications/read-all", null);
            default:
                throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "No call written for this endpoint.");
        }
    }
}
