using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Tests.Browser;

namespace BookingPortal.Tests.Api;

public class OpenApiTests(AppServerWithDatabase app) : IClassFixture<AppServerWithDatabase>
{
    [Fact]
    public async Task The_document_describes_every_endpoint_with_its_error_answers()
    {
        using var client = app.Server.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Key: $"{op.Name.ToUpperInvariant()} {path.Name}", Responses: op.Value.GetProperty("responses"))))
            .ToDictionary(o => o.Key, o => o.Responses.EnumerateObject().Select(r => r.Name).ToHashSet());

        string[] expected =
        [
            "POST /api/auth/login", "POST /api/auth/refresh", "GET /api/locations", "GET /api/resources", "POST /api/resources",
            "GET /api/resources/{id}", "PUT /api/resources/{id}", "DELETE /api/resources/{id}", "POST /api/resources/{id}/blocks",
            "GET /api/availability", "POST /api/bookings", "GET /api/bookings", "GET /api/bookings/{id}", "PATCH /api/bookings/{id}", "GET /api/series/{id}",
            "POST /api/bookings/{id}/cancel", "POST /api/bookings/{id}/check-in", "POST /api/bookings/{id}/approve",
            "POST /api/bookings/{id}/reject", "GET /api/bookings/{id}/history", "POST /api/bookings/process-pending",
            "GET /api/notifications", "POST /api/notifications/{id}/read", "POST /api/notifications/read-all", "GET /api/events",
            "GET /api/me/calendar.ics", "GET /api/resources/{id}/calendar.ics", "GET /api/locations/{id}/calendar.ics",
            "GET /api/me/calendar-links", "POST /api/me/calendar-links", "DELETE /api/me/calendar-links/{id}",
            "GET /api/reports/utilization", "GET /api/reports/heatmap", "GET /api/reports/attendance", "GET /api/reports/right-sizing",
            "GET /api/reports/demand", "GET /api/reports/trends", "GET /api/reports/bookings",
            "PUT /api/resources/{id}/calendar-link", "DELETE /api/resources/{id}/calendar-link", "GET /api/sync/status",
        ];
        Assert.Equal(expected.Order(), operations.Keys.Order());
        Assert.Superset(new HashSet<string> { "201", "202", "400", "401", "409", "413", "422", "429" }, operations["POST /api/bookings"]);
        Assert.Contains("412", operations["PATCH /api/bookings/{id}"]);
        Assert.Superset(new HashSet<string> { "200", "400", "403", "404", "409", "412" }, operations["POST /api/bookings/{id}/cancel"]);
        Assert.All(operations.Where(o => !o.Key.Contains("/auth/")), o => Assert.Contains("401", o.Value));
        Assert.Superset(new HashSet<string> { "200", "304", "400", "401", "403", "404", "429" }, operations["GET /api/locations/{id}/calendar.ics"]);
        Assert.Superset(new HashSet<string> { "201", "400", "429" }, operations["POST /api/me/calendar-links"]);
        Assert.Superset(new HashSet<string> { "204", "404" }, operations["DELETE /api/me/calendar-links/{id}"]);
        Assert.Superset(new HashSet<string> { "200", "400", "403", "404", "409", "422", "502" }, operations["PUT /api/resources/{id}/calendar-link"]);
    }

    [Fact]
    public async Task Answers_that_are_a_booking_or_a_series_list_both_shapes()
    {
        using var client = app.Server.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        IEnumerable<string?> Shapes(string path, string method, string status) => paths.GetProperty(path).GetProperty(method).GetProperty("responses")
            .GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("oneOf")
            .EnumerateArray().Select(s => s.GetProperty("$ref").GetString());

        string[] both = ["#/components/schemas/BookingSnapshot", "#/components/schemas/SeriesSnapshot"];
        Assert.Equal(both, Shapes("/api/bookings", "post", "201"));
        Assert.Equal(both, Shapes("/api/bookings/{id}/cancel", "post", "200"));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("RecurrenceBody", out _));
    }
}
