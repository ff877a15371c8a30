using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Web.Hosting;

namespace BookingPortal.Web.Api;

internal static class EndpointConventions
{
    /// <summary>A write: rate limited per user and IP, body size capped, and the OpenAPI document says so.</summary>
    public static RouteHandlerBuilder RequireWriteLimits(this RouteHandlerBuilder endpoint) => endpoint
        .RequireRateLimiting(RateLimitPolicies.Writes)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>What a status change of one booking answers: the booking, or who/what/when refused it.</summary>
    public static RouteHandlerBuilder ProducesTransitionAnswers(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<BookingSnapshot>()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
