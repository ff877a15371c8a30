using BookingPortal.Web.Hosting;

namespace BookingPortal.Web.Api;

internal static class EndpointConventions
{
    /// <summary>A write: rate limited per user and IP, body size capped, and the OpenAPI document says so.</summary>
    public static RouteHandlerBuilder RequireWriteLimits(this RouteHandlerBuilder endpoint) => endpoint
        .RequireRateLimiting(RateLimitPolicies.Writes)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
