using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Api;

/// <summary>Guessing passwords gets nowhere and says nothing: one answer for every failure, lockout after five.</summary>
public class SignInAbuseTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static async Task<(string Title, string Detail)> RefusalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (problem.GetProperty("title").GetString()!, problem.GetProperty("detail").GetString()!);
    }

    [Fact]
    public async Task A_wrong_password_an_unknown_email_and_a_locked_account_get_one_and_the_same_answer()
    {
        const string email = "carol@api.test";
        using (var scope = api.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.CreateAsync(new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true }, ApiFixture.Password)).Succeeded);
        }

        using var client = api.Anonymous();
        Task<HttpResponseMessage> LoginAsync(string who, string password) => client.PostAsJsonAsync("/api/auth/login", new { email = who, password });

        var unknown = await RefusalAsync(await LoginAsync("nobody@api.test", "Wrong!Password1"));
        var wrong = new List<(string, string)>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            wrong.Add(await RefusalAsync(await LoginAsync(email, "Wrong!Password1")));
        }

        // Five failures lock the account: now even the right password is refused, in the same words.
        var locked = await RefusalAsync(await LoginAsync(email, ApiFixture.Password));

        Assert.All(wrong, answer => Assert.Equal(unknown, answer));
        Assert.Equal(unknown, locked);
        Assert.Contains("locked", unknown.Item2, StringComparison.Ordinal);
        using var check = api.Services.CreateScope();
        var manager = check.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.True(await manager.IsLockedOutAsync((await manager.FindByEmailAsync(email))!));
    }
}

/// <summary>The sign-in limit per address: a low one, so a test can reach it.</summary>
public sealed class SignInLimitApiFixture : ApiFixture
{
    public const int Limit = 8;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Auth:AccessTokenMinutes"] = "86400",
        ["RateLimiting:SignIn:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:SignIn:WindowSeconds"] = "60",
    };
}

public class SignInLimitTests(SignInLimitApiFixture api) : IClassFixture<SignInLimitApiFixture>
{
    [Fact]
    public async Task Sign_in_refresh_and_the_sign_in_page_share_one_limit_per_address_answered_429_with_retry_after()
    {
        using var client = api.Anonymous();
        var answers = new List<HttpResponseMessage>();
        // The fixture's own sign-ins spent part of this minute's budget; a window that turns over meanwhile gives a
        // few more, so the test asks until it is refused and never more than the limit allows twice over.
        for (var attempt = 0; attempt < 3 * SignInLimitApiFixture.Limit && answers.All(a => a.StatusCode != HttpStatusCode.TooManyRequests); attempt++)
        {
            answers.Add((attempt % 3) switch
            {
                0 => await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@api.test", password = "Wrong!Password1" }),
                1 => await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "garbage" }),
                _ => await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "x" })),
            });
        }

        var refused = answers[^1];
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(answers.Count <= 2 * SignInLimitApiFixture.Limit, $"{answers.Count} attempts before the limit");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(refused.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.All(answers[..^1], a => Assert.NotEqual(HttpStatusCode.TooManyRequests, a.StatusCode));
        var page = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "x" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        // Showing the sign-in page costs nothing.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
    }
}
