using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BookingPortal.Domain.Common;
using CsCheck;
using Npgsql;
using Xunit.Abstractions;

namespace BookingPortal.Tests.Api;

/// <summary>
/// Bodies generated from the app's own OpenAPI schemas, sent over HTTP to the real app and database: whatever arrives,
/// the answer is never a 5xx, every 4xx is problem+json without internals, and a refused request leaves the database as
/// it was. A failure prints the shrunk request and CsCheck's seed; <c>CsCheck_Seed=&lt;seed&gt;</c> replays it.
/// </summary>
public partial class GeneratedBodyTests(ApiFixture api, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    private sealed record Call(string Method, string Path, string Body);

    private sealed record Outcome(int Status, string Body);

    /// <summary>Monday 2027-03-01, the fixture's today.</summary>
    private static readonly DateOnly Today = DateOnly.FromDateTime(EngineHarness.DefaultNow.UtcDateTime);

    // Every table a booking or resource write touches. unmet_demand is left out on purpose: a create refused for a
    // conflict is recorded there by design (README, "Demand not met").
    private static readonly string[] WrittenTables =
    [
        "bookings", "allocations", "booking_history", "booking_series", "resources", "maintenance_blocks", "notifications",
        "calendar_invitations", "floors", "locations",
    ];

    [Fact]
    public async Task Generated_booking_and_series_bodies_never_answer_5xx_and_store_nothing_when_refused()
    {
        var bodies = await BodiesAsync();
        var calls = bodies.Body("CreateBookingBody", BookingHints(bodies)).Select(body => new Call("POST", "/api/bookings", body));

        var outcomes = await SampleAsync(calls, ApiFixture.Alice, iter: 400);

        AssertBothKinds(outcomes, minSucceeded: 20);
    }

    [Fact]
    public async Task Generated_change_bodies_never_answer_5xx_and_store_nothing_when_refused()
    {
        var bodies = await BodiesAsync();
        // After 19:30, where the generated bookings (which end by then) cannot have taken the slot already.
        var single = await CreateAsync(new { resourceIds = new[] { api.Venue["Borealis"].Id }, start = Slot(2, 19, 2), end = Slot(2, 19, 3), title = "Single" });
        var series = await CreateAsync(new
        {
            resourceIds = new[] { api.Venue["Aurora"].Id }, start = Slot(3, 19, 2), end = Slot(3, 19, 3), title = "Weekly",
            recurrence = new { frequency = "weekly", count = 4 },
        });
        var occurrences = series.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToArray();
        var targets = Gen.Frequency(
            (6, Gen.OneOf(single.GetProperty("id").GetGuid(), occurrences[0], occurrences[1], occurrences[^1])),
            (1, Gen.Guid));
        var creating = BookingHints(bodies);
        var hints = new Dictionary<string, Hint>(creating)
        {
            ["scope"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.OneOf("occurrence", "following", "series"))),
            ["resourceIds"] = before => SchemaBodies.Sometimes(creating["resourceIds"](before)),
            ["recurrence"] = _ => SchemaBodies.Sometimes(bodies.WellFormed("RecurrenceBody", RecurrenceHints), absent: 4),
            ["conflictPolicy"] = before => SchemaBodies.Sometimes(creating["conflictPolicy"](before), absent: 3),
        };
        var calls = Gen.Select(targets, bodies.Body("ChangeBookingBody", hints), (id, body) => new Call("PATCH", $"/api/bookings/{id}", body));

        var outcomes = await SampleAsync(calls, ApiFixture.Alice, iter: 300);

        AssertBothKinds(outcomes, minSucceeded: 15);
    }

    [Fact]
    public async Task Generated_resource_bodies_never_answer_5xx_and_store_nothing_when_refused()
    {
        var bodies = await BodiesAsync();
        var hints = ResourceHints(bodies);
        var creates = bodies.Body("ResourceDefinition", hints).Select(body => new Call("POST", "/api/resources", body));
        var targets = Gen.Frequency((5, Gen.OneOf(api.Annex["Annex room"].Id, api.Venue["Retired"].Id)), (1, Gen.Guid));
        var updates = Gen.Select(targets, bodies.Body("ResourceDefinition", hints), (id, body) => new Call("PUT", $"/api/resources/{id}", body));

        var outcomes = await SampleAsync(Gen.OneOf<Call>(creates, updates), ApiFixture.Ada, iter: 300);

        AssertBothKinds(outcomes, minSucceeded: 20);
    }

    private async Task<SchemaBodies> BodiesAsync()
    {
        using var client = api.Anonymous();
        return new SchemaBodies(await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json"));
    }

    /// <summary>
    /// Runs the property over the generated calls one at a time (each compares the database before and after, so they
    /// cannot overlap) and returns every answer's status.
    /// </summary>
    private async Task<List<int>> SampleAsync(Gen<Call> calls, Actor actor, long iter)
    {
        using var client = api.As(actor);
        var statuses = new List<int>();
        var started = DateTime.UtcNow;
        await calls.SampleAsync(async call => statuses.Add(await CheckAsync(client, call)), output.WriteLine, iter: iter, threads: 1,
            print: call => $"{call.Method} {call.Path}\n{SchemaBodies.Readable(call.Body)}");
        output.WriteLine($"{statuses.Count} calls in {(DateTime.UtcNow - started).TotalSeconds:0.0} s: "
            + string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} ×{g.Count()}")));
        return statuses;
    }

    private async Task<int> CheckAsync(HttpClient client, Call call)
    {
        var before = await DigestAsync();
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path)
        {
            Content = new StringContent(call.Body, Encoding.UTF8, "application/json"),
        };
        // As in BadInputTests: a large body waits for the server's go-ahead, so a 413 is an answer, not a reset connection.
        request.Headers.ExpectContinue = call.Body.Length > 64 * 1024;
        using var response = await client.SendAsync(request);
        var outcome = new Outcome((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        var shown = $"answered {outcome.Status}: {SchemaBodies.Readable(outcome.Body)}";

        Assert.True(outcome.Status < 500, shown);
        Assert.False(Internals().IsMatch(outcome.Body), $"internals in the answer, {shown}");
        if (outcome.Status >= 400)
        {
            AssertProblem(response, outcome, shown);
        }

        if (outcome.Status is < 200 or >= 300)
        {
            Assert.True(before == await DigestAsync(), $"stored something although it {shown}");
        }
        else if (response.Headers.Location is { } created)
        {
            // What was accepted must also be readable: a value stored but unreadable fails later, on someone else's page.
            using var read = await client.GetAsync(created);
            Assert.True(read.IsSuccessStatusCode, $"{created} answered {(int)read.StatusCode} after the create {shown}");
        }

        return outcome.Status;
    }

    private static void AssertProblem(HttpResponseMessage response, Outcome outcome, string shown)
    {
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"not problem+json, {shown}");
        JsonElement problem;
        try
        {
            problem = JsonSerializer.Deserialize<JsonElement>(outcome.Body);
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"unparsable problem, {shown}");
        }

        Assert.True(problem.ValueKind == JsonValueKind.Object
            && problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String && title.GetString()!.Length > 0
            && problem.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number && status.GetInt32() == outcome.Status,
            $"no title or a wrong status in the problem, {shown}");
        if (outcome.Status == 400)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object && errors.EnumerateObject().Any(),
                $"a 400 without per-field errors, {shown}");
        }
    }

    /// <summary>Exception type names and stack frames: what a body shows when an error escaped unhandled.</summary>
    [GeneratedRegex(@"\b[A-Z]\w*Exception\b|\bat [A-Z]\w*(\.\w+)+\(|--- End of")]
    private static partial Regex Internals();

    /// <summary>The survey must have met both kinds of answer, or it tested only a validator or only the happy path.</summary>
    private void AssertBothKinds(List<int> statuses, int minSucceeded)
    {
        var succeeded = statuses.Count(s => s is >= 200 and < 300);
        var refused = statuses.Count(s => s is >= 400 and < 500);
        Assert.True(succeeded >= minSucceeded, $"only {succeeded} of {statuses.Count} generated requests succeeded");
        Assert.True(refused >= statuses.Count / 3, $"only {refused} of {statuses.Count} generated requests were refused");
        output.WriteLine($"{succeeded} succeeded, {refused} refused");
    }

    /// <summary>One digest per written table over all its rows, so any insert, update or delete changes it.</summary>
    private async Task<string> DigestAsync()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT concat_ws('/', "
            + string.Join(", ", WrittenTables.Select(t => $"(SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM {t} r)"))
            + ")";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<JsonElement> CreateAsync(object body)
    {
        using var alice = api.As(ApiFixture.Alice);
        var response = await alice.PostAsJsonAsync("/api/bookings", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The <paramref name="weekday"/>-th weekday after today at a local hour of the venue, in UTC.</summary>
    private string Slot(int weekday, int hour, int quarter = 0) =>
        Utc(api.Venue.Location.ToUtc(Today.AddDays(weekday / 5 * 7 + weekday % 5), new TimeOnly(hour, 0).AddMinutes(quarter * 15)));

    /// <summary>Open times within the horizon: weekdays of the next ten weeks, starting 08:00 to 17:30, up to two hours long.</summary>
    private Gen<JsonNode?> Starts => SchemaBodies.Json(Gen.Select(Gen.Int[1, 54], Gen.Int[8 * 4, 17 * 4 + 2]).Select(t => Slot(t.Item1, 0, t.Item2)));

    private static Hint EndAfter(string startMember) => before =>
        before.TryGetValue(startMember, out var start) && start?.GetValueKind() == JsonValueKind.String
        && DateTimeOffset.TryParse(start.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            ? SchemaBodies.Json(Gen.Int[1, 8].Select(q => Utc(from < DateTimeOffset.MaxValue.AddHours(-2) ? from.AddMinutes(q * 15) : DateTimeOffset.MaxValue)))
            : SchemaBodies.Json(Gen.Const("2027-03-02T10:00:00Z"));

    private static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static readonly Dictionary<string, Hint> RecurrenceHints = new()
    {
        ["frequency"] = _ => SchemaBodies.Json(Gen.OneOf("daily", "weekly", "monthly")),
        ["interval"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[1, 2])),
        ["daysOfWeek"] = _ => SchemaBodies.Sometimes(Gen.OneOf("monday", "tuesday", "wednesday", "thursday", "friday").Array[1, 2]
            .Select(days => (JsonNode?)new JsonArray(days.Distinct().Select(d => (JsonNode?)JsonValue.Create(d)).ToArray())), absent: 3),
        ["count"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[1, 5]), present: 4),
        ["until"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[2, 60].Select(d => Today.AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
            present: 1),
    };

    private Dictionary<string, Hint> BookingHints(SchemaBodies bodies)
    {
        var resources = new[] { "Aurora", "Borealis", "Board" }.Select(n => api.Venue[n].Id.ToString()).ToArray();
        var hints = new Dictionary<string, Hint>(RecurrenceHints)
        {
            ["resourceIds"] = _ => Gen.OneOf(resources).Array[1, 2]
                .Select(ids => (JsonNode?)new JsonArray(ids.Distinct().Select(id => (JsonNode?)JsonValue.Create(id)).ToArray())),
            ["start"] = _ => Starts,
            ["end"] = EndAfter("start"),
            ["title"] = _ => SchemaBodies.Json(Gen.String[Gen.Char.AlphaNumeric, 1, 30]),
            ["attendeeCount"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[1, 3])),
            ["joinWaitlist"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Bool), present: 1),
            ["conflictPolicy"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.OneOf("all-or-nothing", "skip", "alternatives")), present: 1),
            ["occurrenceStart"] = _ => Starts,
            ["action"] = _ => SchemaBodies.Json(Gen.OneOf("skip", "book", "waitlist")),
        };
        hints["recurrence"] = _ => SchemaBodies.Sometimes(bodies.WellFormed("RecurrenceBody", hints), absent: 2);
        hints["choices"] = _ => SchemaBodies.Sometimes(bodies.WellFormed("OccurrenceChoiceBody", hints).Array[1, 2]
            .Select(choices => (JsonNode?)new JsonArray(choices.Select(c => c?.DeepClone()).ToArray())), absent: 4);
        return hints;
    }

    private Dictionary<string, Hint> ResourceHints(SchemaBodies bodies)
    {
        var floors = new Dictionary<string, string>
        {
            [api.Venue.Location.Id.ToString()] = api.Venue.Floors[0].Id.ToString(),
            [api.Annex.Location.Id.ToString()] = api.Annex.Floors[0].Id.ToString(),
        };
        var hints = new Dictionary<string, Hint>
        {
            ["locationId"] = _ => SchemaBodies.Json(Gen.OneOf(floors.Keys.ToArray())),
            ["floorId"] = before => SchemaBodies.Json(Gen.Const(
                before.TryGetValue("locationId", out var location) && location?.GetValueKind() == JsonValueKind.String
                && floors.TryGetValue(location.GetValue<string>(), out var floor) ? floor : api.Venue.Floors[0].Id.ToString())),
            ["kind"] = _ => SchemaBodies.Json(Gen.OneOf("Room", "Desk", "Equipment", "Parking")),
            ["name"] = _ => SchemaBodies.Json(Gen.String[Gen.Char.AlphaNumeric, 6, 12].Select(s => $"Generated {s}")),
            ["capacity"] = _ => SchemaBodies.Json(Gen.Int[1, 20]),
            ["features"] = _ => SchemaBodies.Sometimes(Gen.OneOf("projector", "video", "whiteboard", "accessible").Array[0, 3]
                .Select(fs => (JsonNode?)new JsonArray(fs.Distinct().Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()))),
            ["x"] = _ => SchemaBodies.Json(Gen.Int[0, 90].Select(i => (double)i)),
            ["y"] = _ => SchemaBodies.Json(Gen.Int[0, 50].Select(i => (double)i)),
            ["width"] = _ => SchemaBodies.Json(Gen.Int[1, 10].Select(i => (double)i)),
            ["height"] = _ => SchemaBodies.Json(Gen.Int[1, 10].Select(i => (double)i)),
            ["bufferBeforeMinutes"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[0, 30]), present: 1),
            ["bufferAfterMinutes"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[0, 30]), present: 1),
            ["minDurationMinutes"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[5, 30]), present: 1),
            ["maxDurationMinutes"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[60, 600]), present: 1),
            ["horizonDays"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Int[1, 365]), present: 1),
            ["requiresApproval"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Bool), present: 1),
            ["requiresCheckIn"] = _ => SchemaBodies.Sometimes(SchemaBodies.Json(Gen.Bool), present: 1),
        };
        hints["shape"] = _ => SchemaBodies.Sometimes(bodies.WellFormed("FloorplanShape", hints), present: 1);
        return hints;
    }
}
