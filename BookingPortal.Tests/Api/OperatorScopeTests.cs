using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Api;

/// <summary>
/// Operators act on other people's bookings only at the locations assigned to them (ADR 007). These tests change
/// Oskar's assignments, so they have a fixture of their own and put his annex back afterwards.
/// </summary>
public class OperatorScopeTests(ApiFixture api) : IClassFixture<ApiFixture>, IAsyncLifetime
{
    private static int _hour;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => api.AssignAsync(ApiFixture.Oskar, api.Annex.Location.Id);

    private async Task<Guid> AlicesBookingAsync()
    {
        using var alice = api.As(ApiFixture.Alice);
        var hour = 8 + Interlocked.Increment(ref _hour);
        var range = api.Venue.At(new DateOnly(2027, 3, 3), $"{hour:00}:00", $"{hour:00}:30");
        var response = await alice.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { api.Venue["Aurora"].Id }, start = range.Start, end = range.End, title = "Alice's" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task An_assignment_applies_to_the_next_request_without_signing_in_again()
    {
        using var oskar = api.As(ApiFixture.Oskar);
        var booking = await AlicesBookingAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await oskar.GetAsync($"/api/bookings/{booking}/history")).StatusCode);

        await api.AssignAsync(ApiFixture.Oskar, api.Annex.Location.Id, api.Venue.Location.Id);
        Assert.Equal(HttpStatusCode.OK, (await oskar.GetAsync($"/api/bookings/{booking}/history")).StatusCode);

        await api.AssignAsync(ApiFixture.Oskar, api.Annex.Location.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await oskar.PostAsJsonAsync($"/api/bookings/{booking}/cancel", new { reason = "revoked" })).StatusCode);
    }

    [Fact]
    public async Task An_operator_assigned_nowhere_acts_only_as_staff()
    {
        await api.AssignAsync(ApiFixture.Oskar);
        using var oskar = api.As(ApiFixture.Oskar);
        var alices = await AlicesBookingAsync();

        var response = await oskar.PostAsJsonAsync($"/api/bookings/{alices}/cancel", new { reason = "not mine" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("operator of this location", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var range = api.Annex.At(new DateOnly(2027, 3, 4), "09:00", "10:00");
        var own = await oskar.PostAsJsonAsync("/api/bookings",
            new { resourceIds = new[] { api.Annex["Annex room"].Id }, start = range.Start, end = range.End, title = "Oskar's" });
        var id = (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await oskar.PostAsync($"/api/bookings/{id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Assignments_are_replaced_whole_and_refuse_unknown_locations_and_users()
    {
        var assignments = api.Services.GetRequiredService<OperatorAssignments>();

        var unknown = await assignments.SetAsync(ApiFixture.Oskar.UserId, [api.Venue.Location.Id, Guid.NewGuid()]);
        var nobody = await assignments.SetAsync("no-such-user", [api.Venue.Location.Id]);

        Assert.Contains("locationIds", unknown.ToDictionary().Keys);
        Assert.Contains("userId", nobody.ToDictionary().Keys);
        Assert.Equal([api.Annex.Location.Id], await assignments.GetAsync(ApiFixture.Oskar.UserId));
        Assert.Empty(await assignments.GetAsync("no-such-user"));

        await api.AssignAsync(ApiFixture.Oskar, api.Venue.Location.Id, api.Venue.Location.Id);
        Assert.Equal([api.Venue.Location.Id], await assignments.GetAsync(ApiFixture.Oskar.UserId));
    }
}
