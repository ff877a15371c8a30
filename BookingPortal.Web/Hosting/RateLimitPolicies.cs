namespace BookingPortal.Web.Hosting;

/// <summary>Names of the rate-limiting policies that endpoints opt into with <c>RequireRateLimiting</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary>For every state-changing API call (POST, PUT, PATCH, DELETE under <c>/api</c>).</summary>
    public const string Writes = "writes";
    public const string SignIn = "sign-in";
}
