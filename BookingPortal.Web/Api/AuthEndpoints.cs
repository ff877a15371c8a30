using BookingPortal.Infrastructure.Identity;
using BookingPortal.Web.Hosting;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BookingPortal.Web.Api;

/// <summary>
/// Only sign-in and refresh of Identity's bearer tokens: MapIdentityApi would also publish self-registration and
/// account management, and here admins create users.
/// </summary>
internal static class AuthEndpoints
{
    public sealed record LoginBody(string? Email, string? Password);

    public sealed record RefreshBody(string? RefreshToken);

    public static RouteGroupBuilder MapAuth(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth").AllowAnonymous();

        auth.MapPost("/login", async (HttpContext http, SignInManager<ApplicationUser> signIn) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<LoginBody>(http);
                if (problem is not null)
                {
                    return problem;
                }

                if (string.IsNullOrWhiteSpace(body!.Email) || string.IsNullOrEmpty(body.Password))
                {
                    return Problems.Validation(new Dictionary<string, string[]>
                    {
                        [string.IsNullOrWhiteSpace(body.Email) ? "email" : "password"] = ["Email and password are required."],
                    });
                }

                signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
                var result = await signIn.SignInWithPasswordAsync(body.Email.Trim(), body.Password, persistent: false);
                if (result.Succeeded)
                {
                    // The bearer handler has written the token response.
                    return Results.Empty;
                }

                return TypedResults.Problem(PasswordSignIn.Refused, statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
            })
            .WithName("SignIn")
            .WithSummary("Exchange email and password for a bearer token")
            .Accepts<LoginBody>("application/json")
            .Produces<AccessTokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimitPolicies.SignIn);

        auth.MapPost("/refresh", async (HttpContext http, SignInManager<ApplicationUser> signIn, IOptionsMonitor<BearerTokenOptions> tokens, TimeProvider time) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<RefreshBody>(http);
                if (problem is not null)
                {
                    return problem;
                }

                var ticket = string.IsNullOrEmpty(body!.RefreshToken) ? null
                    : tokens.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(body.RefreshToken);
                if (ticket?.Properties.ExpiresUtc is not { } expires || time.GetUtcNow() >= expires
                    || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
                {
                    return TypedResults.Problem("The refresh token is invalid or expired; sign in again.", statusCode: StatusCodes.Status401Unauthorized,
                        title: "Refresh failed");
                }

                return TypedResults.SignIn(await signIn.CreateUserPrincipalAsync(user), authenticationScheme: IdentityConstants.BearerScheme);
            })
            .WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for a new bearer token")
            .Accepts<RefreshBody>("application/json")
            .Produces<AccessTokenResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimitPolicies.SignIn);

        return api;
    }
}
