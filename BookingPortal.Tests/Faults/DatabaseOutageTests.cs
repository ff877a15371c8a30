using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Tests.Browser;
using static BookingPortal.Tests.Browser.TwoInstances;

namespace BookingPortal.Tests.Faults;

/// <summary>
/// PostgreSQL stopped in immediate mode under a running app and started again: clients are told to come back
/// (503, Retry-After, problem+json) instead of seeing 500s, and the app serves again without a restart of its own.
/// The cluster is the fixture's own, so stopping it leaves the rest of the test run alone.
/// </summary>
public sealed class DatabaseOutageTests(TwoInstancesOwnCluster apps) : IClassFixture<TwoInstancesOwnCluster>
{
    [Fact]
    public async Task While_PostgreSQL_is_down_every_API_call_answers_503_with_Retry_After_and_it_recovers_after()
    {
        // Signed in before the outage: the bearer token needs no database, the sign-in does.
        using var client = await apps.ApiAsync(apps.A, Alice);
        using var anonymous = apps.A.CreateClient();
        var aurora = apps.Venue["Aurora"].Id;
        await apps.BookAsync(apps.A, "Borealis", "11:00", "11:30", "Before the outage");

        await PostgresOutage.StopImmediatelyAsync(apps.Cluster);
        var answers = new List<(string Call, HttpResponseMessage Response)>();
        try
        {
            for (var round = 0; round < 3; round++)
            {
                answers.Add(("list bookings", await client.GetAsync("/api/bookings")));
                answers.Add(("locations", await client.GetAsync("/api/locations")));
                answers.Add(("resources", await client.GetAsync("/api/resources")));
                answers.Add(("availability", await client.GetAsync(
                    $"/api/availability?start={Uri.EscapeDataString(Start.AddHours(1).ToString("O"))}&end={Uri.EscapeDataString(Start.AddHours(2).ToString("O"))}")));
                answers.Add(("create booking", await client.PostAsJsonAsync("/api/bookings", BookingBody(aurora, "12:00", "12:30"))));
                answers.Add(("notifications", await client.GetAsync("/api/notifications")));
                answers.Add(("sign in", await anonymous.PostAsJsonAsync("/api/auth/login", new { email = Alice.Email, password = Password })));
            }

            foreach (var (call, response) in answers)
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{call}: {(int)response.StatusCode} {body}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var seconds = Assert.Single(response.Headers.GetValues("Retry-After"));
                Assert.InRange(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), 1, 30);
                var problem = JsonDocument.Parse(body).RootElement;
                Assert.Equal(503, problem.GetProperty("status").GetInt32());
                Assert.Equal("The database is unreachable", problem.GetProperty("title").GetString());
            }

            // A page that reads the database while it renders: people get a page that retries by itself.
            using var page = new HttpRequestMessage(HttpMethod.Get, "/display/link/no-such-token");
            page.Headers.Accept.ParseAdd("text/html");
            using var pageAnswer = await anonymous.SendAsync(page);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, pageAnswer.StatusCode);
            Assert.Single(pageAnswer.Headers.GetValues("Retry-After"));
            Assert.Contains("The database is unreachable — retrying…", await pageAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var ready = await anonymous.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var live = await anonymous.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await PostgresOutage.StartAgainAsync(apps.Cluster);
        }

        await Eventually.HoldsAsync(async () =>
        {
            using var ready = await anonymous.GetAsync("/health/ready");
            return ready.StatusCode == HttpStatusCode.OK;
        }, "/health/ready is healthy again");
        // The first commands after the restart may still meet pooled connections the crash cut; they answer 503 too,
        // never 500, and a retry gets through.
        HttpResponseMessage created = null!;
        await Eventually.HoldsAsync(async () =>
        {
            created = await client.PostAsJsonAsync("/api/bookings", BookingBody(aurora, "12:00", "12:30"));
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable,
                $"{(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
            return created.StatusCode == HttpStatusCode.Created;
        }, "a booking can be made again");
        Assert.Equal("Confirmed", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    private object BookingBody(Guid resourceId, string from, string to)
    {
        var range = apps.Venue.At(Monday, from, to);
        return new { resourceIds = new[] { resourceId }, start = range.Start.ToString("O"), end = range.End.ToString("O"), title = "Outage", attendeeCount = 2 };
    }
}
