using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Api;

/// <summary>
/// Access ends when an admin ends it: a locked or demoted user's access token stops working within the check interval
/// (60 s), and their refresh token at once. The clock is the fixture's, so "61 seconds later" takes no time.
/// </summary>
public class SessionEndTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan PastTheInterval = TimeSpan.FromSeconds(61);

    private UserAdministration Admin => api.Services.GetRequiredService<UserAdministration>();

    [Fact]
    public async Task A_locked_users_access_token_answers_401_once_the_interval_has_passed_and_their_refresh_token_at_once()
    {
        using var anonymous = api.Anonymous();
        var login = await (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = ApiFixture.Bob.Email, password = ApiFixture.Password }))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var bob = api.As(ApiFixture.Bob);
        using var alice = api.As(ApiFixture.Alice);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/bookings?mine=true")).StatusCode);

        Assert.IsType<AdminResult<UserView>.Ok>(await Admin.LockAsync(ApiFixture.Bob.UserId, ApiFixture.Ada));

        var refresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        api.Clock.Advance(PastTheInterval);
        var refused = await bob.GetAsync("/api/bookings?mine=true");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/bookings?mine=true")).StatusCode);

        Assert.IsType<AdminResult<UserView>.Ok>(await Admin.UnlockAsync(ApiFixture.Bob.UserId));
    }

    [Fact]
    public async Task Taking_the_admin_role_away_ends_the_admin_token_within_the_interval()
    {
        using var ada = api.As(ApiFixture.Ada);
        var unknown = Guid.CreateVersion7();
        // Authorized, so the answer is about the booking: there is none.
        Assert.Equal(HttpStatusCode.NotFound, (await ada.PostAsync($"/api/bookings/{unknown}/approve", null)).StatusCode);

        var demoted = await Admin.UpdateAsync(ApiFixture.Ada.UserId, new UserChanges(null, [RoleNames.Staff]), ApiFixture.Olga with { Roles = Roles.Admin });
        Assert.IsType<AdminResult<UserView>.Ok>(demoted);

        api.Clock.Advance(PastTheInterval);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ada.PostAsync($"/api/bookings/{unknown}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ada.GetAsync("/api/bookings?mine=true")).StatusCode);
    }
}
