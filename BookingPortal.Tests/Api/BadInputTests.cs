using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BookingPortal.Tests.Api;

/// <summary>Every malformed or unacceptable request gets a 4xx problem+json answer and stores nothing.</summary>
public class BadInputTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private sealed record Case(string Method, string Path, string? Body, int Status, string? Header = null, string? HeaderValue = null, bool AsAdmin = false,
        string? Field = null);

    private const string Aurora = "{aurora}";
    private const string Slot = """ "start":"2027-03-02T09:00:00Z","end":"2027-03-02T10:00:00Z" """;

    private static string Booking(string members) => "{" + members + "}";

    /// <summary>The valid booking (Tuesday 2027-03-02, 10:00–11:00 in Berlin) repeated by the given rule.</summary>
    private static string Recurring(string rule) => Valid("\"attendeeCount\":2", "\"attendeeCount\":2,\"recurrence\":" + rule);

    private static string Valid(string? replace = null, string with = "")
    {
        var body = Booking($"""
                            "resourceIds":["{Aurora}"],{Slot},"title":"Planning","attendeeCount":2
                            """);
        return replace is null ? body : body.Replace(replace, with, StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["malformed JSON"] = new("POST", "/api/bookings", "{\"resourceIds\":", 400),
        ["array instead of object"] = new("POST", "/api/bookings", "[]", 400),
        ["null body"] = new("POST", "/api/bookings", "null", 400),
        ["empty body"] = new("POST", "/api/bookings", "", 400),
        ["resourceIds is a string"] = new("POST", "/api/bookings", Valid($"[\"{Aurora}\"]", "\"abc\""), 400),
        ["resourceIds holds numbers"] = new("POST", "/api/bookings", Valid($"[\"{Aurora}\"]", "[123]"), 400),
        ["resourceIds holds an invalid id"] = new("POST", "/api/bookings", Valid($"[\"{Aurora}\"]", "[\"not-a-guid\"]"), 400),
        ["start is a number"] = new("POST", "/api/bookings", Valid("\"2027-03-02T09:00:00Z\"", "12345"), 400),
        ["start is prose"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "next tuesday"), 400),
        ["start without offset"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "2027-03-02T09:00:00"), 400),
        ["offset out of range"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "2027-03-02T09:00:00+15:00"), 400),
        ["title is a number"] = new("POST", "/api/bookings", Valid("\"Planning\"", "42"), 400),
        ["attendeeCount is a string"] = new("POST", "/api/bookings", Valid("\"attendeeCount\":2", "\"attendeeCount\":\"three\""), 400),
        ["attendeeCount is fractional"] = new("POST", "/api/bookings", Valid("\"attendeeCount\":2", "\"attendeeCount\":2.5"), 400),
        ["joinWaitlist is a string"] = new("POST", "/api/bookings", Valid("\"attendeeCount\":2", "\"attendeeCount\":2,\"joinWaitlist\":\"yes\""), 400),
        ["missing resourceIds"] = new("POST", "/api/bookings", Booking($"{Slot},\"title\":\"x\""), 400),
        ["missing start"] = new("POST", "/api/bookings", Booking($"\"resourceIds\":[\"{Aurora}\"],\"end\":\"2027-03-02T10:00:00Z\",\"title\":\"x\""), 400),
        ["missing end"] = new("POST", "/api/bookings", Booking($"\"resourceIds\":[\"{Aurora}\"],\"start\":\"2027-03-02T09:00:00Z\",\"title\":\"x\""), 400),
        ["missing title"] = new("POST", "/api/bookings", Booking($"\"resourceIds\":[\"{Aurora}\"],{Slot}"), 400),
        ["no resources"] = new("POST", "/api/bookings", Valid($"[\"{Aurora}\"]", "[]"), 400),
        ["same resource twice"] = new("POST", "/api/bookings", Valid($"[\"{Aurora}\"]", $"[\"{Aurora}\",\"{Aurora}\"]"), 400),
        ["eleven resources"] = new("POST", "/api/bookings", Valid($"[\"{Aurora}\"]",
            "[" + string.Join(",", Enumerable.Range(0, 11).Select(i => $"\"{new Guid(i + 1, 0, 0, new byte[8])}\"")) + "]"), 400),
        ["zero duration"] = new("POST", "/api/bookings", Valid("2027-03-02T10:00:00Z", "2027-03-02T09:00:00Z"), 400),
        ["negative duration"] = new("POST", "/api/bookings", Valid("2027-03-02T10:00:00Z", "2027-03-02T08:00:00Z"), 400),
        ["five-minute duration"] = new("POST", "/api/bookings", Valid("2027-03-02T10:00:00Z", "2027-03-02T09:05:00Z"), 400),
        ["week-long duration"] = new("POST", "/api/bookings", Valid("2027-03-02T10:00:00Z", "2027-03-09T10:00:00Z"), 400),
        ["far past"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "2000-01-04T09:00:00Z").Replace("2027-03-02T10:00:00Z", "2000-01-04T10:00:00Z"), 400),
        ["yesterday"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "2027-02-26T09:00:00Z").Replace("2027-03-02T10:00:00Z", "2027-02-26T10:00:00Z"), 400),
        ["far future"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "2100-03-02T09:00:00Z").Replace("2027-03-02T10:00:00Z", "2100-03-02T10:00:00Z"), 400),
        ["a Saturday"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "2027-03-06T09:00:00Z").Replace("2027-03-02T10:00:00Z", "2027-03-06T10:00:00Z"), 400),
        ["+14:00 offset lands after closing"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "2027-03-02T10:00:00+14:00").Replace("2027-03-02T10:00:00Z", "2027-03-02T11:00:00+14:00"), 400),
        ["-12:00 offset lands at night"] = new("POST", "/api/bookings", Valid("2027-03-02T09:00:00Z", "2027-03-02T10:00:00-12:00").Replace("2027-03-02T10:00:00Z", "2027-03-02T11:00:00-12:00"), 400),
        ["unknown resource"] = new("POST", "/api/bookings", Valid($"[\"{Aurora}\"]", $"[\"{Guid.Empty}\"]"), 400),
        ["inactive resource"] = new("POST", "/api/bookings", Valid($"[\"{Aurora}\"]", "[\"{retired}\"]"), 400),
        ["attendees over capacity"] = new("POST", "/api/bookings", Valid("\"attendeeCount\":2", "\"attendeeCount\":50"), 400),
        ["zero attendees"] = new("POST", "/api/bookings", Valid("\"attendeeCount\":2", "\"attendeeCount\":0"), 400),
        ["negative attendees"] = new("POST", "/api/bookings", Valid("\"attendeeCount\":2", "\"attendeeCount\":-1"), 400),
        ["empty title"] = new("POST", "/api/bookings", Valid("\"Planning\"", "\"\""), 400),
        ["whitespace title"] = new("POST", "/api/bookings", Valid("\"Planning\"", "\"   \""), 400),
        ["201-character title"] = new("POST", "/api/bookings", Valid("\"Planning\"", $"\"{new string('t', 201)}\""), 400),
        ["NUL in title"] = new("POST", "/api/bookings", Valid("\"Planning\"", "\"Plan\\u0000ning\""), 400),
        ["1 MB title"] = new("POST", "/api/bookings", Valid("\"Planning\"", $"\"{new string('t', 1024 * 1024)}\""), 413),
        ["recurrence without an end"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\"}"), 400, Field: "recurrence.count"),
        ["recurrence with count and until"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"count\":3,\"until\":\"2027-03-31\"}"), 400, Field: "recurrence.until"),
        ["recurrence is a string"] = new("POST", "/api/bookings", Recurring("\"weekly\""), 400, Field: "recurrence"),
        ["recurrence frequency unknown"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"yearly\",\"count\":3}"), 400, Field: "recurrence.frequency"),
        ["recurrence frequency missing"] = new("POST", "/api/bookings", Recurring("{\"count\":3}"), 400, Field: "recurrence.frequency"),
        ["recurrence frequency is a number"] = new("POST", "/api/bookings", Recurring("{\"frequency\":1,\"count\":3}"), 400, Field: "recurrence.frequency"),
        ["recurrence interval zero"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"daily\",\"interval\":0,\"count\":3}"), 400, Field: "recurrence.interval"),
        ["recurrence interval is text"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"daily\",\"interval\":\"two\",\"count\":3}"), 400, Field: "recurrence.interval"),
        ["recurrence count zero"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"count\":0}"), 400, Field: "recurrence.count"),
        ["recurrence count over the cap"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"daily\",\"count\":101}"), 400, Field: "recurrence.count"),
        ["recurrence count is negative"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"daily\",\"count\":-2}"), 400, Field: "recurrence.count"),
        ["recurrence until is prose"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"until\":\"end of march\"}"), 400, Field: "recurrence.until"),
        ["recurrence until is a date-time"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"until\":\"2027-03-31T00:00:00Z\"}"), 400, Field: "recurrence.until"),
        ["recurrence until before the start"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"until\":\"2027-03-01\"}"), 400, Field: "recurrence.until"),
        ["recurrence until gives over 100"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"daily\",\"until\":\"2027-12-31\"}"), 400, Field: "recurrence.until"),
        ["recurrence on an unknown day"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"daysOfWeek\":[\"funday\"],\"count\":3}"), 400, Field: "recurrence.daysOfWeek"),
        ["recurrence days for a daily rule"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"daily\",\"daysOfWeek\":[\"monday\"],\"count\":3}"), 400, Field: "recurrence.daysOfWeek"),
        ["recurrence days without the start's"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"daysOfWeek\":[\"monday\"],\"count\":3}"), 400, Field: "recurrence.daysOfWeek"),
        ["recurrence past the horizon"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"count\":20}"), 400, Field: "start"),
        ["recurrence into the weekend"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"daily\",\"count\":5}"), 400, Field: "start"),
        // Found by GeneratedBodyTests: laying out the months of a series at the end of the calendar overflowed (500).
        ["series at the end of the calendar"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"monthly\",\"count\":4}")
            .Replace("2027-03-02T09:00:00Z", "9999-12-31T23:59:59Z").Replace("2027-03-02T10:00:00Z", "9999-12-31T23:59:59.9999999Z"), 400, Field: "start"),
        ["recurrence on the wait list"] = new("POST", "/api/bookings", Recurring("{\"frequency\":\"weekly\",\"count\":2},\"joinWaitlist\":true"), 400, Field: "joinWaitlist"),
        ["idempotency key too long"] = new("POST", "/api/bookings", Valid(), 400, "Idempotency-Key", new string('k', 300)),
        ["invalid If-Match"] = new("PATCH", "/api/bookings/{booking}", "{\"title\":\"x\"}", 400, "If-Match", "not-an-etag"),
        ["patch end before start"] = new("PATCH", "/api/bookings/{booking}", "{\"start\":\"2027-03-02T12:00:00Z\",\"end\":\"2027-03-02T11:00:00Z\"}", 400),
        ["patch malformed"] = new("PATCH", "/api/bookings/{booking}", "{\"title\":", 400),
        ["patch unknown booking"] = new("PATCH", $"/api/bookings/{Guid.Empty}", "{\"title\":\"x\"}", 404),
        ["invalid booking id in path"] = new("GET", "/api/bookings/12345", null, 404),
        ["list with a bad date"] = new("GET", "/api/bookings?from=tomorrow", null, 400),
        ["list with limit 0"] = new("GET", "/api/bookings?limit=0", null, 400),
        ["availability without start"] = new("GET", "/api/availability?end=2027-03-02T10:00:00Z", null, 400),
        ["availability backwards"] = new("GET", "/api/availability?start=2027-03-02T10:00:00Z&end=2027-03-02T09:00:00Z", null, 400),
        ["resources of an unknown kind"] = new("GET", "/api/resources?kind=Spaceship", null, 400),
        ["resources with negative capacity"] = new("GET", "/api/resources?minCapacity=-3", null, 400),
        ["cancel with an unknown scope"] = new("POST", "/api/bookings/{booking}/cancel", "{\"scope\":\"everything\"}", 400, Field: "scope"),
        ["cancel a single booking as a series"] = new("POST", "/api/bookings/{booking}/cancel", "{\"scope\":\"following\"}", 400, Field: "scope"),
        ["list with a bad series id"] = new("GET", "/api/bookings?seriesId=weekly", null, 400, Field: "seriesId"),
        ["cancel with a 1000-character reason"] = new("POST", "/api/bookings/{booking}/cancel", $"{{\"reason\":\"{new string('r', 1000)}\"}}", 400),
        ["block ending before it starts"] = new("POST", $"/api/resources/{Aurora}/blocks", "{\"start\":\"2027-03-02T12:00:00Z\",\"end\":\"2027-03-02T11:00:00Z\"}", 400, AsAdmin: true),
        ["resource without a name"] = new("POST", "/api/resources", "{\"kind\":\"Room\",\"capacity\":3}", 400, AsAdmin: true),
        ["resource with zero capacity"] = new("POST", "/api/resources", "{\"kind\":\"Room\",\"name\":\"Tiny\",\"capacity\":0,\"locationId\":\"{location}\",\"floorId\":\"{floor}\"}", 400, AsAdmin: true),
        ["resource of an unknown kind"] = new("POST", "/api/resources", "{\"kind\":\"Spaceship\",\"name\":\"X\",\"capacity\":3}", 400, AsAdmin: true),
        // Found by GeneratedBodyTests: a number passed for the enum and the database's check constraint answered 500.
        ["resource kind as a number outside the enum"] = new("POST", "/api/resources",
            "{\"kind\":-1,\"name\":\"Numbered\",\"capacity\":2,\"locationId\":\"{location}\",\"floorId\":\"{floor}\"}", 400, AsAdmin: true, Field: "kind"),
        // Found by GeneratedBodyTests: "Infinity" is read as a number, and the shape could not be written as JSON (500).
        ["resource shape of infinite width"] = new("POST", "/api/resources",
            "{\"kind\":\"Room\",\"name\":\"Endless\",\"capacity\":2,\"locationId\":\"{location}\",\"floorId\":\"{floor}\",\"shape\":{\"x\":1,\"y\":1,\"width\":\"Infinity\",\"height\":2}}",
            400, AsAdmin: true, Field: "shape"),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Fact]
    public void The_table_has_at_least_forty_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Bad_input_is_a_4xx_problem_and_stores_nothing(string name)
    {
        var @case = Cases[name];
        using var client = api.As(@case.AsAdmin ? ApiFixture.Ada : ApiFixture.Alice);
        var booking = await ExistingBookingAsync();
        string Fill(string text) => text
            .Replace(Aurora, api.Venue["Aurora"].Id.ToString())
            .Replace("{retired}", api.Venue["Retired"].Id.ToString())
            .Replace("{location}", api.Venue.Location.Id.ToString())
            .Replace("{floor}", api.Venue.Floors[0].Id.ToString())
            .Replace("{booking}", booking.ToString());
        var before = await StateAsync();

        using var request = new HttpRequestMessage(new HttpMethod(@case.Method), Fill(@case.Path));
        if (@case.Body is not null)
        {
            request.Content = new StringContent(Fill(@case.Body), Encoding.UTF8, "application/json");
            // A client sending a large body asks first, as HTTP has it: the server's 413 then arrives before the body
            // is sent, instead of the server closing the connection while the client is still writing.
            request.Headers.ExpectContinue = @case.Body.Length > 64 * 1024;
        }

        if (@case.Header is not null)
        {
            request.Headers.TryAddWithoutValidation(@case.Header, @case.HeaderValue);
        }

        var response = await client.SendAsync(request);

        Assert.True(@case.Status == (int)response.StatusCode, $"{name}: expected {@case.Status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(@case.Status, problem.GetProperty("status").GetInt32());
        if (@case.Status == 400)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(), $"{name}: no per-field errors");
            if (@case.Field is { } field)
            {
                Assert.True(errors.TryGetProperty(field, out _), $"{name}: no error for '{field}' in {errors}");
            }
        }

        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task A_series_moved_to_the_first_year_of_the_calendar_is_refused_on_start_and_stores_nothing()
    {
        using var alice = api.As(ApiFixture.Alice);
        var created = await alice.PostAsJsonAsync("/api/bookings", new
        {
            resourceIds = new[] { api.Venue["Desk 1"].Id }, start = "2027-03-04T09:00:00Z", end = "2027-03-04T10:00:00Z", title = "Weekly",
            recurrence = new { frequency = "weekly", count = 3 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookings")[0].GetProperty("id").GetGuid();
        var before = await StateAsync();

        // Found by GeneratedBodyTests: shifting the following occurrences' days back to year 1 overflowed (500).
        var response = await alice.PatchAsJsonAsync($"/api/bookings/{first}",
            new { start = "0001-01-01T00:00:00-14:00", end = "2027-03-04T10:00:00Z", scope = "following" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("start", out _), problem.ToString());
        Assert.Equal(before, await StateAsync());
    }

    // xunit makes a class instance per test; the booking lives as long as the fixture's database.
    private static Guid? _booking;

    private async Task<Guid> ExistingBookingAsync()
    {
        if (_booking is { } id)
        {
            return id;
        }

        using var alice = api.As(ApiFixture.Alice);
        var response = await alice.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { api.Venue["Borealis"].Id }, start = "2027-03-03T09:00:00Z", end = "2027-03-03T10:00:00Z", title = "Existing" });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        _booking = created.GetProperty("id").GetGuid();
        return _booking.Value;
    }

    private async Task<string> StateAsync() => string.Join("/",
        await api.CountAsync("SELECT count(*) FROM bookings"),
        await api.CountAsync("SELECT count(*) FROM allocations"),
        await api.CountAsync("SELECT count(*) FROM booking_history"),
        await api.CountAsync("SELECT count(*) FROM resources"),
        await api.CountAsync("SELECT count(*) FROM maintenance_blocks"),
        await api.CountAsync("SELECT coalesce(sum(xmin::text::bigint), 0)::bigint FROM bookings"));
}
