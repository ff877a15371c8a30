using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Infrastructure.Displays;
using BookingPortal.Tests.Api;
using static BookingPortal.Tests.Calendars.FeedReader;

namespace BookingPortal.Tests.Calendars;

/// <summary>Secret subscription links: what a calendar app that cannot send headers uses, and how they are shut.</summary>
public class CalendarFeedLinkTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static async Task<JsonElement> CreateLinkAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/me/calendar-links", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static string PathAndQuery(JsonElement created) => new Uri(created.GetProperty("url").GetString()!).PathAndQuery;

    [Fact]
    public async Task A_link_opens_the_feed_without_a_header_and_only_its_hash_is_stored()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var calendarApp = api.Anonymous();
        var range = api.Venue.At(new DateOnly(2027, 3, 12), "09:00", "10:00");
        var booking = await CreateBookingAsync(alice, new
        {
            resourceIds = new[] { api.Venue["Aurora"].Id }, start = range.Start, end = range.End, title = "Linked", attendeeCount = 1,
        });

        var created = await CreateLinkAsync(alice, new { feed = "mine" });
        var token = created.GetProperty("token").GetString()!;
        var (calendar, _, _) = await GetAsync(calendarApp, PathAndQuery(created));

        Assert.StartsWith("webcal://", created.GetProperty("webcalUrl").GetString());
        Assert.EndsWith("/api/me/calendar.ics?token=" + Uri.EscapeDataString(token), created.GetProperty("url").GetString());
        Assert.Equal("Linked", Single(calendar, booking.GetProperty("id").GetGuid()).Summary);
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM calendar_feed_links WHERE token_hash = '{DisplayLinks.HashOf(token)}'"));
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM calendar_feed_links WHERE token_hash = '{token}'"));
        var listed = await alice.GetFromJsonAsync<JsonElement>("/api/me/calendar-links");
        var link = Assert.Single(listed.EnumerateArray(), l => l.GetProperty("id").GetGuid() == created.GetProperty("link").GetProperty("id").GetGuid());
        Assert.False(link.TryGetProperty("token", out _));
        Assert.DoesNotContain(token, listed.ToString());
    }

    [Fact]
    public async Task A_new_link_for_the_same_feed_replaces_the_old_one_and_a_revoked_link_answers_404()
    {
        using var bob = api.As(ApiFixture.Bob);
        using var calendarApp = api.Anonymous();
        var resource = api.Venue["Borealis"].Id;
        var first = await CreateLinkAsync(bob, new { feed = "resource", targetId = resource });
        var second = await CreateLinkAsync(bob, new { feed = "resource", targetId = resource });

        var replaced = await calendarApp.GetAsync(PathAndQuery(first));
        var current = await calendarApp.GetAsync(PathAndQuery(second));
        var revoke = await bob.DeleteAsync($"/api/me/calendar-links/{second.GetProperty("link").GetProperty("id").GetGuid()}");
        var revoked = await calendarApp.GetAsync(PathAndQuery(second));
        var again = await bob.DeleteAsync($"/api/me/calendar-links/{second.GetProperty("link").GetProperty("id").GetGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, replaced.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        var links = await bob.GetFromJsonAsync<JsonElement>("/api/me/calendar-links");
        Assert.DoesNotContain(links.EnumerateArray(), l => l.GetProperty("targetId").ValueKind != JsonValueKind.Null
            && l.GetProperty("targetId").GetGuid() == resource);
    }

    [Fact]
    public async Task Wrong_malformed_or_misplaced_tokens_answer_404_and_leak_nothing()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var calendarApp = api.Anonymous();
        var created = await CreateLinkAsync(alice, new { feed = "mine" });
        var token = Uri.EscapeDataString(created.GetProperty("token").GetString()!);

        var answers = new[]
        {
            await calendarApp.GetAsync("/api/me/calendar.ics?token=not-a-real-token"),
            await calendarApp.GetAsync("/api/me/calendar.ics?token="),
            await calendarApp.GetAsync("/api/me/calendar.ics?token=" + new string('x', 5000)),
            await calendarApp.GetAsync($"/api/resources/{api.Venue["Aurora"].Id}/calendar.ics?token={token}"),
            await calendarApp.GetAsync($"/api/locations/{api.Venue.Location.Id}/calendar.ics?token={token}"),
        };

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            var text = await answer.Content.ReadAsStringAsync();
            Assert.DoesNotContain("Exception", text);
            Assert.DoesNotContain("BEGIN:VCALENDAR", text);
        }
    }

    [Fact]
    public async Task Links_are_only_made_for_feeds_the_user_may_read()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var olga = api.As(ApiFixture.Olga);

        var bogus = await alice.PostAsJsonAsync("/api/me/calendar-links", new { feed = "everything" });
        var noTarget = await alice.PostAsJsonAsync("/api/me/calendar-links", new { feed = "resource" });
        var unknownResource = await alice.PostAsJsonAsync("/api/me/calendar-links", new { feed = "resource", targetId = Guid.NewGuid() });
        var notHerLocation = await alice.PostAsJsonAsync("/api/me/calendar-links", new { feed = "location", targetId = api.Venue.Location.Id });
        var targetForMine = await alice.PostAsJsonAsync("/api/me/calendar-links", new { feed = "mine", targetId = Guid.NewGuid() });
        var operatorsLocation = await olga.PostAsJsonAsync("/api/me/calendar-links", new { feed = "location", targetId = api.Venue.Location.Id });

        foreach (var (response, field) in new[]
                 {
                     (bogus, "feed"), (noTarget, "targetId"), (unknownResource, "targetId"), (notHerLocation, "targetId"), (targetForMine, "targetId"),
                 })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        }

        Assert.Equal(HttpStatusCode.Created, operatorsLocation.StatusCode);
    }

    [Fact]
    public async Task A_location_link_stops_working_when_its_owner_no_longer_looks_after_the_location()
    {
        using var oskar = api.As(ApiFixture.Oskar);
        using var calendarApp = api.Anonymous();
        var created = await CreateLinkAsync(oskar, new { feed = "location", targetId = api.Annex.Location.Id });
        Assert.Equal(HttpStatusCode.OK, (await calendarApp.GetAsync(PathAndQuery(created))).StatusCode);

        await api.AssignAsync(ApiFixture.Oskar);
        try
        {
            Assert.Equal(HttpStatusCode.NotFound, (await calendarApp.GetAsync(PathAndQuery(created))).StatusCode);
        }
        finally
        {
            await api.AssignAsync(ApiFixture.Oskar, api.Annex.Location.Id);
        }
    }
}

/// <summary>Feed reads are limited per link, so a leaked link cannot be scraped.</summary>
public class CalendarFeedLimitTests(CalendarFeedLimitTests.LimitedFeedsFixture api) : IClassFixture<CalendarFeedLimitTests.LimitedFeedsFixture>
{
    public sealed class LimitedFeedsFixture : ApiFixture
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["Auth:AccessTokenMinutes"] = "86400",
            ["RateLimiting:Feeds:PermitLimit"] = "3",
            ["RateLimiting:Feeds:WindowSeconds"] = "600",
        };
    }

    [Fact]
    public async Task Reading_one_link_too_often_answers_429_with_retry_after_while_another_link_still_reads()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        using var calendarApp = api.Anonymous();
        var alicesLink = new Uri((await (await alice.PostAsJsonAsync("/api/me/calendar-links", new { feed = "mine" })).Content
            .ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!).PathAndQuery;
        var bobsLink = new Uri((await (await bob.PostAsJsonAsync("/api/me/calendar-links", new { feed = "mine" })).Content
            .ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!).PathAndQuery;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await calendarApp.GetAsync(alicesLink);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero, last.Headers.RetryAfter?.ToString());
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await calendarApp.GetAsync(bobsLink)).StatusCode);
    }
}
