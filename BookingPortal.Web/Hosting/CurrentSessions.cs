using System.Collections.Concurrent;
using System.Security.Claims;
using BookingPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// Whether a signed-in principal still speaks for its account: the account exists, is not locked, and its security
/// stamp is the one the principal was issued with. Locking, a role change, a password reset and "sign out everywhere"
/// renew the stamp, so every session issued before them fails this check.
/// </summary>
public static class CurrentSessions
{
    public const string IntervalSetting = "Auth:SessionCheckSeconds";

    /// <summary>How stale a session's verdict may be: at most this long after access ends, it ends too.</summary>
    public static TimeSpan Interval(IConfiguration configuration) =>
        TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue(IntervalSetting, 60), 1, 3600));

    public static async Task<bool> IsCurrentAsync(UserManager<ApplicationUser> users, ClaimsPrincipal principal, IdentityOptions options)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return false;
        }

        if (users.SupportsUserLockout && await users.IsLockedOutAsync(user))
        {
            return false;
        }

        return !users.SupportsUserSecurityStamp
            || principal.FindFirstValue(options.ClaimsIdentity.SecurityStampClaimType) == await users.GetSecurityStampAsync(user);
    }
}

/// <summary>An API caller's access token must still speak for its account (see <see cref="CurrentSessions"/>).</summary>
public sealed class CurrentSessionRequirement : IAuthorizationRequirement;

/// <summary>
/// Checks <see cref="CurrentSessionRequirement"/> against the database at most once per interval per account and
/// stamp on this instance, so an access token outlives a lock or a role change by at most that interval.
/// </summary>
public sealed class CurrentSessionHandler(
    UserManager<ApplicationUser> users,
    IOptions<IdentityOptions> identity,
    SessionVerdicts verdicts) : AuthorizationHandler<CurrentSessionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CurrentSessionRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var key = $"{users.GetUserId(context.User)}\n{context.User.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType)}";
        if (await verdicts.GetAsync(key, () => CurrentSessions.IsCurrentAsync(users, context.User, identity.Value)))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "This sign-in has ended: the account was locked or its access changed. Sign in again."));
        }
    }
}

/// <summary>Recent verdicts per account and stamp, kept for the check interval by the app's clock.</summary>
public sealed class SessionVerdicts(TimeProvider time, IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, (bool Current, DateTimeOffset CheckedAt)> _verdicts = new();
    private readonly TimeSpan _interval = CurrentSessions.Interval(configuration);

    public async Task<bool> GetAsync(string key, Func<Task<bool>> check)
    {
        var now = time.GetUtcNow();
        if (_verdicts.TryGetValue(key, out var known) && now - known.CheckedAt < _interval && now >= known.CheckedAt)
        {
            return known.Current;
        }

        var current = await check();
        _verdicts[key] = (current, now);
        if (_verdicts.Count > 10_000)
        {
            foreach (var stale in _verdicts.Where(v => now - v.Value.CheckedAt >= _interval).Select(v => v.Key).ToList())
            {
                _verdicts.TryRemove(stale, out _);
            }
        }

        return current;
    }
}

/// <summary>A token whose session has ended is a 401 (sign in again), not a 403 (you may not).</summary>
public sealed class EndedSessionAnswers : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var ended = authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailureReasons.Any(r => r.Handler is CurrentSessionHandler) == true;
        return _default.HandleAsync(next, context, policy, ended ? PolicyAuthorizationResult.Challenge() : authorizeResult);
    }
}

/// <summary>
/// Open circuits check their sign-in on the same interval; one that has ended turns anonymous, and the router's
/// sign-in redirect takes the person to the sign-in page.
/// </summary>
public sealed class CircuitSessionRevalidation(
    ILoggerFactory loggers,
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity,
    IConfiguration configuration) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval { get; } = CurrentSessions.Interval(configuration);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await CurrentSessions.IsCurrentAsync(users, authenticationState.User, identity.Value);
    }
}
