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

    /// <summary>
    /// A client generator needs what redocly's recommended rules ask for: operation ids, declared parameters, the
    /// security scheme, summaries, and 4xx answers. The document is the one the running app serves.
    /// </summary>
    [Fact]
    public async Task The_document_lints_clean_with_redocly_recommended_rules()
    {
        using var client = app.Server.CreateClient();
        var document = await client.GetStringAsync("/openapi/v1.json");
        if (Environment.GetEnvironmentVariable("OPENAPI_DUMP") is { Length: > 0 } dump)
        {
            await File.WriteAllTextAsync(dump, document);
        }

        var report = await RedoclyLint.LintAsync(document);

        // The one warning left: the document names no licence, as none has been chosen for the product (ADR 021).
        Assert.True(report.Errors == 0 && report.Problems.All(p => p.RuleId == "info-license"), report.ToString());
    }

    [Fact]
    public async Task Every_operation_has_an_id_and_says_which_credentials_it_takes()
    {
        using var client = app.Server.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Key: $"{op.Name.ToUpperInvariant()} {path.Name}", Operation: op.Value)))
            .ToDictionary(o => o.Key, o => o.Operation);
        string[] Schemes(string key) => operations[key].GetProperty("security").EnumerateArray()
            .SelectMany(requirement => requirement.EnumerateObject().Select(scheme => scheme.Name)).Order().ToArray();
        string[] Query(string key) => operations[key].TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToArray()
            : [];

        var ids = operations.Values.Select(o => o.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal("ListBookings", operations["GET /api/bookings"].GetProperty("operationId").GetString());
        Assert.Equal(["bearer"], Schemes("GET /api/bookings"));
        Assert.Equal(["bearer"], Schemes("POST /api/resources"));
        Assert.Empty(Schemes("POST /api/auth/login"));
        Assert.Equal(["bearer", "feedLink"], Schemes("GET /api/me/calendar.ics"));
        var securitySchemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", securitySchemes.GetProperty("bearer").GetProperty("scheme").GetString());

        Assert.Equal(["resourceId", "from", "to", "status", "mine", "limit", "offset", "seriesId"], Query("GET /api/bookings"));
        Assert.Equal(["locationId", "floorId", "kind", "minCapacity", "feature"], Query("GET /api/resources"));
        Assert.Equal(["start", "end", "locationId", "floorId", "kind", "minCapacity", "feature"], Query("GET /api/availability"));
        Assert.Equal(["locationId", "lastEventId"], Query("GET /api/events"));
        Assert.Equal(["limit"], Query("GET /api/notifications"));
        var from = operations["GET /api/bookings"].GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "from");
        Assert.Equal("date-time", from.GetProperty("schema").GetProperty("format").GetString());
        Assert.All(operations, o => Assert.Contains("503", o.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name)));
    }
}
