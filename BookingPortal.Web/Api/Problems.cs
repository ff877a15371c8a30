using BookingPortal.Infrastructure.Bookings;

namespace BookingPortal.Web.Api;

internal static class Problems
{
    public static IResult Validation(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");

    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request is not valid.");

    public static IResult NotFound(string what) => TypedResults.Problem($"{what} was not found.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Forbidden(string reason) => TypedResults.Problem(reason, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static IResult Conflict(ConflictDetails details) => Conflict(details,
        details.Conflicts.Count == 0 ? "The slot is no longer free." : $"{details.Conflicts.Count} conflicting reservation(s) hold that time.");

    /// <summary>
    /// The single-booking conflict body plus <c>conflictingOccurrences</c>; its suggestions are first-occurrence times
    /// and resources at which the whole series is free.
    /// </summary>
    public static IResult SeriesConflict(SeriesConflict conflict)
    {
        var clashes = conflict.ConflictingOccurrences.Count;
        return Conflict(conflict.Details,
            clashes == 0 ? "The slots are no longer free; nothing was booked or changed."
                : $"{clashes} occurrence(s) of the series collide with other reservations; nothing was booked or changed.",
            ("conflictingOccurrences", conflict.ConflictingOccurrences), ("occurrences", conflict.Occurrences));
    }

    private static IResult Conflict(ConflictDetails details, string detail, params (string Name, object? Value)[] more)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["conflicts"] = details.Conflicts,
            ["suggestedSlots"] = details.SuggestedSlots,
            ["alternativeResources"] = details.AlternativeResources,
            ["canJoinWaitlist"] = details.CanJoinWaitlist,
        };
        foreach (var (name, value) in more)
        {
            extensions[name] = value;
        }

        return TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Booking conflict", extensions: extensions);
    }

    /// <summary>Maps a series operation's outcomes to HTTP, as <see cref="From(BookingResult, Func{BookingSnapshot, IResult})"/> does for one booking.</summary>
    public static IResult From(SeriesResult result, Func<SeriesSnapshot, IResult> success) => result switch
    {
        SeriesResult.Success s => success(s.Series),
        SeriesResult.Conflict c => SeriesConflict(c.Details),
        SeriesResult.Failed f => From(f.Outcome, _ => throw new InvalidOperationException("A failed series operation carries no booking.")),
        _ => throw new InvalidOperationException($"Unhandled series result {result.GetType().Name}."),
    };

    /// <summary>Maps the engine's outcomes to HTTP; the success shape is left to the caller.</summary>
    public static IResult From(BookingResult result, Func<BookingSnapshot, IResult> success) => result switch
    {
        BookingResult.Success s => success(s.Booking),
        BookingResult.Queued q => success(q.Booking),
        BookingResult.Conflict c => Conflict(c.Details),
        BookingResult.Invalid i => Validation(i.Errors),
        BookingResult.NotFound => NotFound("The booking"),
        BookingResult.Forbidden f => Forbidden(f.Reason),
        BookingResult.Stale s => TypedResults.Problem($"The booking has changed since you read it; its version is now {s.CurrentVersion}.",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed", extensions: new Dictionary<string, object?> { ["currentVersion"] = s.CurrentVersion }),
        BookingResult.Refused r => TypedResults.Problem(r.Reason, statusCode: StatusCodes.Status409Conflict, title: "Not allowed now"),
        BookingResult.KeyReused => TypedResults.Problem("This Idempotency-Key was already used with a different request.",
            statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused"),
        _ => throw new InvalidOperationException($"Unhandled booking result {result.GetType().Name}."),
    };
}
