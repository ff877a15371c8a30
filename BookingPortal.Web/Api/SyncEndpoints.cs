using System.Globalization;
using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Web.Hosting;

namespace BookingPortal.Web.Api;

/// <summary>Two-way calendar sync (SPEC §6): linking a resource to an outside calendar, and how every link is doing.</summary>
internal static class SyncEndpoints
{
    public sealed record CalendarLinkBody(string? Provider, string? CalendarId);

    public static void MapSync(this RouteGroupBuilder secured)
    {
        secured.MapPut("/resources/{id:guid}/calendar-link", LinkAsync)
            .WithTags("Calendar sync")
            .WithName("LinkResourceCalendar")
            .WithSummary("Link a resource to a Microsoft 365 room mailbox or a Google resource calendar (admin); the calendar is checked first")
            .Accepts<CalendarLinkBody>("application/json")
            .Produces<SyncStatus>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();
        secured.MapDelete("/resources/{id:guid}/calendar-link", async (Guid id, CalendarLinks links, CancellationToken ct) =>
                await links.UnlinkAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound("The resource's calendar link"))
            .WithTags("Calendar sync")
            .WithName("UnlinkResourceCalendar")
            .WithSummary("Stop syncing a resource: the events pushed for its future bookings are deleted there (admin)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();
        secured.MapGet("/sync/status", async (CalendarLinks links, CancellationToken ct) => TypedResults.Ok(await links.StatusAsync(null, ct)))
            .WithTags("Calendar sync")
            .WithName("GetSyncStatus")
            .WithSummary("Every calendar link: state, last push and pull, lag, pending outbox, last error (admin)")
            .Produces<IReadOnlyList<SyncStatus>>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireAuthorization(IdentitySetup.AdminPolicy);
    }

    private static async Task<IResult> LinkAsync(Guid id, HttpContext http, CalendarLinks links)
    {
        var (body, problem) = await JsonBody.ReadAsync<CalendarLinkBody>(http);
        if (problem is not null)
        {
            return problem;
        }

        return await links.LinkAsync(id, body!.Provider, body.CalendarId, http.RequestAborted) switch
        {
            LinkOutcome.Linked linked => TypedResults.Ok(linked.Status),
            LinkOutcome.Invalid invalid => Problems.Validation(invalid.Field, invalid.Message),
            LinkOutcome.NotFound => Problems.NotFound("The resource"),
            LinkOutcome.Taken taken => TypedResults.Problem($"That calendar already feeds resource {taken.OtherResourceId}; unlink it there first.",
                statusCode: StatusCodes.Status409Conflict, title: "Calendar already linked"),
            LinkOutcome.Refused { Failure.IsTransient: true } refused => Unreachable(http, refused),
            LinkOutcome.Refused refused => TypedResults.Problem(refused.Reason, statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The calendar cannot be linked"),
            _ => throw new InvalidOperationException("Unknown link outcome."),
        };
    }

    /// <summary>The provider did not answer or asked us to wait: nothing is wrong with the request, so it can be sent again.</summary>
    private static IResult Unreachable(HttpContext http, LinkOutcome.Refused refused)
    {
        if (refused.Failure!.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem($"The calendar provider did not answer as it should: {refused.Reason} Try again shortly.",
            statusCode: StatusCodes.Status502BadGateway, title: "Calendar provider unavailable");
    }
}
