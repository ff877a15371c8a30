using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BookingPortal.Tests.Api;

public class BookingsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly DateOnly Monday = new(2027, 3, 1);
    private static int _hour;

    /// <summary>Each test books its own hour on Aurora so tests stay independent inside one database.</summary>
    private (string Start, string End) FreshSlot()
    {
        var day = Monday.AddDays(1 + Interlocked.Increment(ref _hour) / 10);
        var hour = 8 + (_hour % 10);
        var range = api.Venue.At(day, $"{hour:00}:00", $"{hour:00}:45");
        return (range.Start.ToString("O"), range.End.ToString("O"));
    }

    private object CreateBody(Guid resourceId, (string Start, string End) slot, string title = "Planning") =>
        new { resourceIds = new[] { resourceId }, start = slot.Start, end = slot.End, title, attendeeCount = 3 };

    private async Task<JsonElement> BookAsync(HttpClient client, Guid resourceId, (string Start, string End) slot)
    {
        var response = await client.PostAsJsonAsync("/api/bookings", CreateBody(resourceId, slot));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Create_answers_201_with_location_etag_and_the_booking_in_utc()
    {
        using var client = api.As(ApiFixture.Alice);
        var slot = FreshSlot();

        var response = await client.PostAsJsonAsync("/api/bookings", CreateBody(api.Venue["Aurora"].Id, slot));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booking = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = booking.GetProperty("id").GetGuid();
        Assert.Equal($"/api/bookings/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("Confirmed", booking.GetProperty("status").GetString());
        Assert.EndsWith("Z", booking.GetProperty("start").GetString());
        Assert.Equal(DateTimeOffset.Parse(slot.Start), booking.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(ApiFixture.Alice.UserId, booking.GetProperty("ownerId").GetString());
        Assert.Equal(ApiFixture.Alice.Email, booking.GetProperty("ownerEmail").GetString());
        Assert.Equal(3, booking.GetProperty("attendeeCount").GetInt32());
        foreach (var field in new[] { "resourceIds", "end", "title", "seriesId", "version", "createdAt", "checkedInAt" })
        {
            Assert.True(booking.TryGetProperty(field, out _), $"missing {field}");
        }
    }

    [Fact]
    public async Task Get_returns_the_booking_with_its_version_as_etag()
    {
        using var client = api.As(ApiFixture.Alice);
        var created = await BookAsync(client, api.Venue["Aurora"].Id, FreshSlot());

        var response = await client.GetAsync($"/api/bookings/{created.GetProperty("id").GetGuid()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"\"{created.GetProperty("version").GetUInt32()}\"", response.Headers.ETag?.Tag);
        await ProblemAsync(await client.GetAsync($"/api/bookings/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_taken_slot_is_a_409_with_conflicts_suggestions_alternatives_and_wait_list()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        var slot = FreshSlot();
        await BookAsync(alice, api.Venue["Aurora"].Id, slot);

        var problem = await ProblemAsync(await bob.PostAsJsonAsync("/api/bookings", CreateBody(api.Venue["Aurora"].Id, slot)), HttpStatusCode.Conflict);

        Assert.Equal("Booking conflict", problem.GetProperty("title").GetString());
        var conflict = Assert.Single(problem.GetProperty("conflicts").EnumerateArray());
        Assert.Equal(api.Venue["Aurora"].Id, conflict.GetProperty("resourceId").GetGuid());
        Assert.NotEmpty(problem.GetProperty("suggestedSlots").EnumerateArray());
        Assert.Contains(problem.GetProperty("alternativeResources").EnumerateArray(), a => a.GetProperty("name").GetString() == "Borealis");
        Assert.True(problem.GetProperty("canJoinWaitlist").GetBoolean());
    }

    [Fact]
    public async Task Joining_the_wait_list_answers_202_pending()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        var slot = FreshSlot();
        await BookAsync(alice, api.Venue["Aurora"].Id, slot);

        var response = await bob.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { api.Venue["Aurora"].Id }, start = slot.Start, end = slot.End, title = "Waiting", joinWaitlist = true });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Pending", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_approval_room_answers_201_awaiting_approval_and_an_admin_approves()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var ada = api.As(ApiFixture.Ada);
        var booking = await BookAsync(alice, api.Venue["Board"].Id, FreshSlot());
        Assert.Equal("AwaitingApproval", booking.GetProperty("status").GetString());
        var id = booking.GetProperty("id").GetGuid();

        await ProblemAsync(await alice.PostAsync($"/api/bookings/{id}/approve", null), HttpStatusCode.Forbidden);
        var approved = await ada.PostAsJsonAsync($"/api/bookings/{id}/approve", new { reason = "fine" });

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("Confirmed", (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reject_refuses_with_a_reason()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var ada = api.As(ApiFixture.Ada);
        var id = (await BookAsync(alice, api.Venue["Board"].Id, FreshSlot())).GetProperty("id").GetGuid();

        var rejected = await ada.PostAsJsonAsync($"/api/bookings/{id}/reject", new { reason = "Board meeting" });

        Assert.Equal("Rejected", (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var again = await ProblemAsync(await ada.PostAsync($"/api/bookings/{id}/reject", null), HttpStatusCode.Conflict);
        Assert.Contains("Rejected", again.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Patch_honours_if_match_and_answers_412_when_stale()
    {
        using var alice = api.As(ApiFixture.Alice);
        var booking = await BookAsync(alice, api.Venue["Aurora"].Id, FreshSlot());
        var id = booking.GetProperty("id").GetGuid();
        var etag = $"\"{booking.GetProperty("version").GetUInt32()}\"";

        using var first = new HttpRequestMessage(HttpMethod.Patch, $"/api/bookings/{id}") { Content = JsonContent.Create(new { title = "Renamed" }) };
        first.Headers.TryAddWithoutValidation("If-Match", etag);
        var renamed = await alice.SendAsync(first);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.NotEqual(etag, renamed.Headers.ETag?.Tag);

        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/bookings/{id}") { Content = JsonContent.Create(new { title = "Lost update" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await ProblemAsync(await alice.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        var stored = await (await alice.GetAsync($"/api/bookings/{id}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Renamed", stored.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Patch_reschedules_and_reports_a_conflict_with_alternatives()
    {
        using var alice = api.As(ApiFixture.Alice);
        var taken = FreshSlot();
        await BookAsync(alice, api.Venue["Aurora"].Id, taken);
        var id = (await BookAsync(alice, api.Venue["Aurora"].Id, FreshSlot())).GetProperty("id").GetGuid();

        var response = await alice.PatchAsJsonAsync($"/api/bookings/{id}", new { start = taken.Start, end = taken.End });

        var problem = await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.NotEmpty(problem.GetProperty("conflicts").EnumerateArray());
    }

    [Fact]
    public async Task Cancel_and_history_tell_who_did_what()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var olga = api.As(ApiFixture.Olga);
        var id = (await BookAsync(alice, api.Venue["Aurora"].Id, FreshSlot())).GetProperty("id").GetGuid();

        var cancelled = await olga.PostAsJsonAsync($"/api/bookings/{id}/cancel", new { reason = "Visitors need the room" });
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var history = await (await alice.GetAsync($"/api/bookings/{id}/history")).Content.ReadFromJsonAsync<JsonElement>();
        var entries = history.EnumerateArray().ToList();
        Assert.Equal(["created", "cancelled"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(ApiFixture.Olga.UserId, entries[1].GetProperty("actorId").GetString());
        Assert.Equal("Visitors need the room", entries[1].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Check_in_opens_fifteen_minutes_before_the_start()
    {
        using var alice = api.As(ApiFixture.Alice);
        var booking = await BookAsync(alice, api.Venue["Aurora"].Id, FreshSlot());
        var id = booking.GetProperty("id").GetGuid();

        var early = await ProblemAsync(await alice.PostAsync($"/api/bookings/{id}/check-in", null), HttpStatusCode.Conflict);

        Assert.Contains("check-in is open from", early.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task List_filters_by_resource_status_and_owner_and_pages()
    {
        using var bob = api.As(ApiFixture.Bob);
        await BookAsync(bob, api.Venue["Borealis"].Id, FreshSlot());
        await BookAsync(bob, api.Venue["Borealis"].Id, FreshSlot());

        var page = await (await bob.GetAsync($"/api/bookings?resourceId={api.Venue["Borealis"].Id}&mine=true&status=Confirmed&limit=1"))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.True(page.GetProperty("total").GetInt32() >= 2);
        Assert.All(page.GetProperty("items").EnumerateArray(), b => Assert.Equal(ApiFixture.Bob.UserId, b.GetProperty("ownerId").GetString()));
        await ProblemAsync(await bob.GetAsync("/api/bookings?status=Sleeping"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Process_pending_promotes_and_is_for_admins()
    {
        using var ada = api.As(ApiFixture.Ada);
        using var alice = api.As(ApiFixture.Alice);

        var response = await ada.PostAsync("/api/bookings/process-pending", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("promoted", out _));
        await ProblemAsync(await alice.PostAsync("/api/bookings/process-pending", null), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Idempotent_replay_returns_the_first_answer_and_a_changed_body_is_422()
    {
        using var alice = api.As(ApiFixture.Alice);
        var slot = FreshSlot();
        var before = await api.CountAsync("SELECT count(*) FROM bookings");

        Task<HttpResponseMessage> SendAsync(string title) =>
            ApiFixture.PostBookingAsync(alice, CreateBody(api.Venue["Aurora"].Id, slot, title), "order-7f3a");

        var first = await SendAsync("Retro");
        var replay = await SendAsync("Retro");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(firstId, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal(before + 1, await api.CountAsync("SELECT count(*) FROM bookings"));

        await ProblemAsync(await SendAsync("Something else"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(before + 1, await api.CountAsync("SELECT count(*) FROM bookings"));
    }

    [Fact]
    public async Task Script_and_sql_titles_are_stored_verbatim_and_come_back_inert()
    {
        using var alice = api.As(ApiFixture.Alice);
        const string title = "<script>alert('x')</script>'; DROP TABLE bookings; --";

        var response = await alice.PostAsJsonAsync("/api/bookings", CreateBody(api.Venue["Aurora"].Id, FreshSlot(), title));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", raw);
        Assert.Equal(title, JsonDocument.Parse(raw).RootElement.GetProperty("title").GetString());
        Assert.True(await api.CountAsync("SELECT count(*) FROM bookings") > 0);
    }

    [Fact]
    public async Task Unknown_api_routes_are_problem_json_404()
    {
        using var alice = api.As(ApiFixture.Alice);
        await ProblemAsync(await alice.GetAsync("/api/nothing-here"), HttpStatusCode.NotFound);
        await ProblemAsync(await alice.GetAsync("/api/bookings/not-a-guid"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Login_with_a_wrong_password_is_401_problem()
    {
        using var anonymous = api.Anonymous();
        var response = await anonymous.PostAsync("/api/auth/login",
            new StringContent("""{"email":"bob@api.test","password":"nope"}""", Encoding.UTF8, "application/json"));
        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_refresh_token_gives_a_new_access_token()
    {
        using var anonymous = api.Anonymous();
        var login = await (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = ApiFixture.Bob.Email, password = ApiFixture.Password }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", login.GetProperty("tokenType").GetString());
        Assert.True(login.GetProperty("expiresIn").GetInt32() > 0);

        var refreshed = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() });

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.False(string.IsNullOrEmpty((await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()));
        await ProblemAsync(await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "garbage" }), HttpStatusCode.Unauthorized);
    }
}
