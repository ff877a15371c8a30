using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace BookingPortal.Tests.Api;

/// <summary>Recurring bookings over HTTP: 201 with the series, 400 per recurrence field, 409 for the whole series, series cancel.</summary>
public class SeriesApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly DateOnly Tuesday = new(2027, 3, 9);
    private static int _hour = 7;
    private static int _borealisHour = 7;

    /// <summary>Each test books its own hour of the day, so the tests' series never meet.</summary>
    private static (string From, string To) FreshHour()
    {
        var hour = Interlocked.Increment(ref _hour);
        return ($"{hour:00}:00", $"{hour:00}:45");
    }

    /// <summary>The edit-by-scope tests book Borealis from five weeks on, after every other test's days, on hours of their own.</summary>
    private static (string From, string To) FreshBorealisHour()
    {
        var hour = Interlocked.Increment(ref _borealisHour);
        return ($"{hour:00}:00", $"{hour:00}:45");
    }

    private object SeriesBody(DateOnly day, (string From, string To) hour, string room = "Aurora", object? recurrence = null)
    {
        var range = api.Venue.At(day, hour.From, hour.To);
        return new
        {
            resourceIds = new[] { api.Venue[room].Id }, start = range.Start, end = range.End, title = "Weekly sync", attendeeCount = 3,
            recurrence = recurrence ?? new { frequency = "weekly", count = 3 },
        };
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(status == response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> CreateSeriesAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/bookings", body);
        Assert.True(HttpStatusCode.Created == response.StatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_recurring_request_answers_201_with_the_series_and_where_to_list_it()
    {
        using var alice = api.As(ApiFixture.Alice);
        var hour = FreshHour();

        var response = await alice.PostAsJsonAsync("/api/bookings", SeriesBody(Tuesday, hour));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var series = await response.Content.ReadFromJsonAsync<JsonElement>();
        var seriesId = series.GetProperty("seriesId").GetGuid();
        var bookings = series.GetProperty("bookings").EnumerateArray().ToList();
        Assert.Equal(3, bookings.Count);
        Assert.All(bookings, b => Assert.Equal(seriesId, b.GetProperty("seriesId").GetGuid()));
        Assert.All(bookings, b => Assert.Equal("Confirmed", b.GetProperty("status").GetString()));
        Assert.Equal([0, 7, 14], bookings.Select(b => b.GetProperty("start").GetDateTimeOffset())
            .Select(start => (start - api.Venue.At(Tuesday, hour.From, hour.To).Start).Days));
        Assert.Equal($"/api/series/{seriesId}", response.Headers.Location?.OriginalString);

        var listed = await (await alice.GetAsync(response.Headers.Location!.OriginalString)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Every Tuesday, " + hour.From + "–" + hour.To + ", 3 times", listed.GetProperty("summary").GetString());
        Assert.Equal(bookings.Select(b => b.GetProperty("id").GetGuid()), listed.GetProperty("occurrences").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_bad_rule_is_a_400_per_recurrence_field_and_stores_nothing()
    {
        using var alice = api.As(ApiFixture.Alice);
        var before = await api.CountAsync("SELECT count(*) FROM bookings");

        var problem = await ProblemAsync(await alice.PostAsJsonAsync("/api/bookings",
            SeriesBody(Tuesday, FreshHour(), recurrence: new { frequency = "fortnightly", interval = 0, daysOfWeek = new[] { "funday" } })), HttpStatusCode.BadRequest);

        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains("recurrence.frequency", fields);
        Assert.Contains("recurrence.daysOfWeek", fields);
        Assert.Equal(before, await api.CountAsync("SELECT count(*) FROM bookings"));
    }

    [Fact]
    public async Task An_occurrence_on_a_closed_day_is_a_400_naming_the_date()
    {
        using var alice = api.As(ApiFixture.Alice);
        var friday = Tuesday.AddDays(3);

        var problem = await ProblemAsync(await alice.PostAsJsonAsync("/api/bookings",
            SeriesBody(friday, FreshHour(), recurrence: new { frequency = "daily", count = 3 })), HttpStatusCode.BadRequest);

        var messages = problem.GetProperty("errors").GetProperty("start").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains($"{friday.AddDays(1):yyyy-MM-dd}"));
        Assert.Contains(messages, m => m.Contains($"{friday.AddDays(2):yyyy-MM-dd}"));
    }

    [Fact]
    public async Task A_clash_is_a_409_for_the_whole_series_and_books_nothing()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        var hour = FreshHour();
        var taken = api.Venue.At(Tuesday.AddDays(14), hour.From, hour.To);
        var bobs = await bob.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { api.Venue["Aurora"].Id }, start = taken.Start, end = taken.End, title = "Bob's" });
        Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);
        var before = await api.CountAsync("SELECT count(*) FROM bookings");

        var problem = await ProblemAsync(await alice.PostAsJsonAsync("/api/bookings", SeriesBody(Tuesday, hour)), HttpStatusCode.Conflict);

        Assert.Equal("Booking conflict", problem.GetProperty("title").GetString());
        var clash = Assert.Single(problem.GetProperty("conflictingOccurrences").EnumerateArray());
        Assert.Equal(taken.Start, clash.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(api.Venue["Aurora"].Id, Assert.Single(problem.GetProperty("conflicts").EnumerateArray()).GetProperty("resourceId").GetGuid());
        Assert.NotEmpty(problem.GetProperty("suggestedSlots").EnumerateArray());
        Assert.Contains(problem.GetProperty("alternativeResources").EnumerateArray(), a => a.GetProperty("name").GetString() == "Borealis");
        Assert.False(problem.GetProperty("canJoinWaitlist").GetBoolean());
        Assert.Equal(before, await api.CountAsync("SELECT count(*) FROM bookings"));
    }

    [Fact]
    public async Task A_series_cannot_join_the_wait_list()
    {
        using var alice = api.As(ApiFixture.Alice);
        var (from, to) = FreshHour();
        var range = api.Venue.At(Tuesday, from, to);

        var problem = await ProblemAsync(await alice.PostAsJsonAsync("/api/bookings", new
        {
            resourceIds = new[] { api.Venue["Aurora"].Id }, start = range.Start, end = range.End, title = "Waiting", joinWaitlist = true,
            recurrence = new { frequency = "weekly", count = 2 },
        }), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("joinWaitlist", out _));
    }

    [Fact]
    public async Task Replaying_a_series_returns_it_again_and_another_rule_with_the_key_is_422()
    {
        using var alice = api.As(ApiFixture.Alice);
        var hour = FreshHour();
        var before = await api.CountAsync("SELECT count(*) FROM bookings");

        Task<HttpResponseMessage> SendAsync(int count) =>
            ApiFixture.PostBookingAsync(alice, SeriesBody(Tuesday, hour, "Borealis", new { frequency = "weekly", count }), $"series-{hour.From}");

        var first = await SendAsync(3);
        var replay = await SendAsync(3);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        var firstSeries = await first.Content.ReadFromJsonAsync<JsonElement>();
        var replayed = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(firstSeries.GetProperty("seriesId").GetGuid(), replayed.GetProperty("seriesId").GetGuid());
        Assert.Equal(3, replayed.GetProperty("bookings").GetArrayLength());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(before + 3, await api.CountAsync("SELECT count(*) FROM bookings"));

        await ProblemAsync(await SendAsync(2), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(before + 3, await api.CountAsync("SELECT count(*) FROM bookings"));
    }

    [Fact]
    public async Task Cancel_with_scope_following_cancels_this_and_later_occurrences_only()
    {
        using var alice = api.As(ApiFixture.Alice);
        var series = await CreateSeriesAsync(alice, SeriesBody(Tuesday, FreshHour()));
        var ids = series.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToList();

        var response = await alice.PostAsJsonAsync($"/api/bookings/{ids[1]}/cancel", new { reason = "Team moves", scope = "following" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cancelled = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(series.GetProperty("seriesId").GetGuid(), cancelled.GetProperty("seriesId").GetGuid());
        Assert.Equal(ids.Skip(1), cancelled.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()));
        var listed = await (await alice.GetAsync($"/api/bookings?seriesId={series.GetProperty("seriesId").GetGuid()}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["Confirmed", "Cancelled", "Cancelled"], listed.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Cancel_with_scope_series_is_refused_for_others_and_done_by_the_operator()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        using var olga = api.As(ApiFixture.Olga);
        var series = await CreateSeriesAsync(alice, SeriesBody(Tuesday, FreshHour(), "Borealis"));
        var last = series.GetProperty("bookings")[2].GetProperty("id").GetGuid();

        await ProblemAsync(await bob.PostAsJsonAsync($"/api/bookings/{last}/cancel", new { scope = "series" }), HttpStatusCode.Forbidden);
        var response = await olga.PostAsJsonAsync($"/api/bookings/{last}/cancel", new { reason = "Renovation", scope = "series" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cancelled = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, cancelled.GetProperty("bookings").GetArrayLength());
        Assert.All(cancelled.GetProperty("bookings").EnumerateArray(), b => Assert.Equal("Cancelled", b.GetProperty("status").GetString()));
        var again = await ProblemAsync(await alice.PostAsJsonAsync($"/api/bookings/{last}/cancel", new { scope = "series" }), HttpStatusCode.Conflict);
        Assert.Contains("No occurrence left", again.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_default_scope_cancels_one_occurrence_and_answers_the_booking()
    {
        using var alice = api.As(ApiFixture.Alice);
        var series = await CreateSeriesAsync(alice, SeriesBody(Tuesday, FreshHour(), "Borealis"));
        var first = series.GetProperty("bookings")[0].GetProperty("id").GetGuid();

        var response = await alice.PostAsJsonAsync($"/api/bookings/{first}/cancel", new { reason = "Sick" });

        var booking = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first, booking.GetProperty("id").GetGuid());
        Assert.Equal("Cancelled", booking.GetProperty("status").GetString());
        var listed = await (await alice.GetAsync($"/api/bookings?seriesId={series.GetProperty("seriesId").GetGuid()}&status=Confirmed"))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, listed.GetProperty("total").GetInt32());
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid bookingId, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/bookings/{bookingId}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task This_and_following_over_http_splits_the_series_and_a_stale_series_etag_is_412()
    {
        using var alice = api.As(ApiFixture.Alice);
        var hour = FreshBorealisHour();
        var series = await CreateSeriesAsync(alice, SeriesBody(Tuesday.AddDays(35), hour, "Borealis", recurrence: new { frequency = "weekly", count = 4 }));
        var seriesId = series.GetProperty("seriesId").GetGuid();
        var occurrences = series.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToList();
        var etag = (await alice.GetAsync($"/api/series/{seriesId}")).Headers.ETag!.Tag;

        var split = await PatchAsync(alice, occurrences[2], new { scope = "following", title = "Later sync" }, etag);

        Assert.True(HttpStatusCode.OK == split.StatusCode, await split.Content.ReadAsStringAsync());
        var answer = await split.Content.ReadFromJsonAsync<JsonElement>();
        var rest = answer.GetProperty("seriesId").GetGuid();
        Assert.Equal(seriesId, answer.GetProperty("splitFrom").GetGuid());
        Assert.Equal([occurrences[2], occurrences[3]], answer.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()));
        Assert.Equal(split.Headers.ETag!.Tag, $"\"{answer.GetProperty("version").GetUInt32()}\"");
        var earlier = await (await alice.GetAsync($"/api/series/{seriesId}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([rest], earlier.GetProperty("continuedBy").EnumerateArray().Select(c => c.GetGuid()));
        Assert.EndsWith("until " + Tuesday.AddDays(48).ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
            earlier.GetProperty("summary").GetString());

        var stale = await ProblemAsync(await PatchAsync(alice, occurrences[0], new { scope = "series", title = "Too late" }, etag),
            HttpStatusCode.PreconditionFailed);
        Assert.True(stale.TryGetProperty("currentVersion", out _));
        Assert.Equal("Weekly sync", (await (await alice.GetAsync($"/api/bookings/{occurrences[0]}")).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("{\"scope\":\"fortnight\",\"title\":\"x\"}", "scope")]
    [InlineData("{\"title\":\"x\",\"recurrence\":{\"frequency\":\"weekly\",\"count\":2}}", "recurrence")]
    [InlineData("{\"scope\":\"series\"}", "body")]
    [InlineData("{\"scope\":\"series\",\"title\":\"x\",\"conflictPolicy\":\"maybe\"}", "conflictPolicy")]
    [InlineData("{\"title\":\"x\",\"conflictPolicy\":\"skip\"}", "conflictPolicy")]
    [InlineData("{\"title\":\"x\",\"choices\":[{\"occurrenceStart\":\"2027-04-13T07:00:00Z\",\"action\":\"skip\"}]}", "choices")]
    [InlineData("{\"scope\":\"series\",\"title\":\"x\",\"choices\":[{\"action\":\"skip\"}]}", "choices")]
    [InlineData("{\"scope\":\"series\",\"title\":\"x\",\"choices\":[{\"occurrenceStart\":\"2027-04-13T07:00:00Z\",\"action\":\"book\"}]}", "choices")]
    public async Task A_bad_edit_by_scope_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var alice = api.As(ApiFixture.Alice);
        var series = await CreateSeriesAsync(alice, SeriesBody(Tuesday.AddDays(35), FreshBorealisHour(), "Borealis", recurrence: new { frequency = "weekly", count = 2 }));
        var first = series.GetProperty("bookings")[0].GetProperty("id").GetGuid();

        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/bookings/{first}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        var problem = await ProblemAsync(await alice.SendAsync(request), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal("Weekly sync", (await (await alice.GetAsync($"/api/bookings/{first}")).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_series_created_with_skip_answers_201_listing_the_skipped_week()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        var hour = FreshBorealisHour();
        var taken = api.Venue.At(Tuesday.AddDays(42 + 7), hour.From, hour.To);
        var single = await bob.PostAsJsonAsync("/api/bookings", new
        {
            resourceIds = new[] { api.Venue["Borealis"].Id }, start = taken.Start, end = taken.End, title = "Bob's",
        });
        Assert.Equal(HttpStatusCode.Created, single.StatusCode);
        var body = SeriesBody(Tuesday.AddDays(42), hour, "Borealis");

        var response = await alice.PostAsJsonAsync("/api/bookings", new Dictionary<string, object?>(
            JsonSerializer.SerializeToElement(body).EnumerateObject().Select(p => KeyValuePair.Create(p.Name, (object?)p.Value)))
        {
            ["conflictPolicy"] = "skip",
        });

        Assert.True(HttpStatusCode.Created == response.StatusCode, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, created.GetProperty("bookings").GetArrayLength());
        Assert.Equal(taken.Start, Assert.Single(created.GetProperty("skipped").EnumerateArray().ToList()).GetProperty("start").GetDateTimeOffset());
    }
    [Fact]
    public async Task A_409_is_answered_week_by_week_with_choices_and_the_series_books()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        var hour = FreshBorealisHour();
        var taken = api.Venue.At(Tuesday.AddDays(56 + 7), hour.From, hour.To);
        var single = await bob.PostAsJsonAsync("/api/bookings", new
        {
            resourceIds = new[] { api.Venue["Borealis"].Id }, start = taken.Start, end = taken.End, title = "Bob's",
        });
        Assert.Equal(HttpStatusCode.Created, single.StatusCode);
        var body = JsonSerializer.SerializeToElement(SeriesBody(Tuesday.AddDays(56), hour, "Borealis"));
        var refused = await ProblemAsync(await alice.PostAsJsonAsync("/api/bookings", body), HttpStatusCode.Conflict);
        var clash = Assert.Single(refused.GetProperty("occurrences").EnumerateArray().ToList());
        var room = clash.GetProperty("alternativeResources")[0].GetProperty("id").GetGuid();

        var response = await alice.PostAsJsonAsync("/api/bookings", new Dictionary<string, object?>(
            body.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, (object?)p.Value)))
        {
            ["choices"] = new[] { new { occurrenceStart = clash.GetProperty("start").GetDateTimeOffset(), action = "book", resourceIds = new[] { room } } },
        });

        Assert.True(HttpStatusCode.Created == response.StatusCode, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, created.GetProperty("bookings").GetArrayLength());
        var swap = Assert.Single(created.GetProperty("swapped").EnumerateArray().ToList());
        Assert.Equal(taken.Start, swap.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(room, Assert.Single(swap.GetProperty("booked").EnumerateArray().ToList()).GetGuid());
    }
    [Fact]
    public async Task An_admin_approves_this_and_the_following_occurrences_then_rejects_the_rest_of_the_series()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var ada = api.As(ApiFixture.Ada);
        var series = await CreateSeriesAsync(alice, SeriesBody(Tuesday.AddDays(21), FreshHour(), "Board"));
        var ids = series.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToList();
        Assert.All(series.GetProperty("bookings").EnumerateArray(), b => Assert.Equal("AwaitingApproval", b.GetProperty("status").GetString()));

        await ProblemAsync(await alice.PostAsJsonAsync($"/api/bookings/{ids[1]}/approve", new { scope = "series" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await ada.PostAsJsonAsync($"/api/bookings/{ids[1]}/approve", new { scope = "weekly" }), HttpStatusCode.BadRequest);
        var approved = await ada.PostAsJsonAsync($"/api/bookings/{ids[1]}/approve", new { scope = "following", reason = "Room kept for the team" });
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());
        var decided = (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookings").EnumerateArray().ToList();
        Assert.Equal(ids[1..], decided.Select(b => b.GetProperty("id").GetGuid()));
        Assert.All(decided, b => Assert.Equal("Confirmed", b.GetProperty("status").GetString()));

        var rejected = await ada.PostAsJsonAsync($"/api/bookings/{ids[2]}/reject", new { scope = "series", reason = "First week is the board's" });
        Assert.True(rejected.IsSuccessStatusCode, await rejected.Content.ReadAsStringAsync());
        var only = Assert.Single((await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookings").EnumerateArray().ToList());
        Assert.Equal((ids[0], "Rejected"), (only.GetProperty("id").GetGuid(), only.GetProperty("status").GetString()));

        var again = await ProblemAsync(await ada.PostAsJsonAsync($"/api/bookings/{ids[0]}/approve", new { scope = "series" }), HttpStatusCode.Conflict);
        Assert.Contains("awaiting approval", again.GetProperty("detail").GetString());
    }
}
