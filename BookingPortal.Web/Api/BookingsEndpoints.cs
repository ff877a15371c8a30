using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Web.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace BookingPortal.Web.Api;

internal static class BookingsEndpoints
{
    public sealed record CreateBookingBody(
        Guid[]? ResourceIds,
        DateTimeOffset? Start,
        DateTimeOffset? End,
        string? Title,
        int? AttendeeCount,
        RecurrenceBody? Recurrence,
        bool? JoinWaitlist,
        string? ConflictPolicy,
        OccurrenceChoiceBody[]? Choices = null);

    /// <summary>
    /// One clashing occurrence's own way out, addressed by the start a 409 gave it: <c>action</c> <c>skip</c>, <c>book</c>
    /// (with another <c>start</c>/<c>end</c> and/or <c>resourceIds</c>) or <c>waitlist</c> (new series only).
    /// </summary>
    public sealed record OccurrenceChoiceBody(DateTimeOffset? OccurrenceStart, string? Action, DateTimeOffset? Start, DateTimeOffset? End, Guid[]? ResourceIds);

    /// <summary>
    /// <c>scope</c>: <c>occurrence</c> (default), <c>following</c> or <c>series</c>; <c>recurrence</c> and
    /// <c>conflictPolicy</c> only with the latter two.
    /// </summary>
    public sealed record ChangeBookingBody(
        DateTimeOffset? Start,
        DateTimeOffset? End,
        Guid[]? ResourceIds,
        string? Title,
        int? AttendeeCount,
        string? Scope,
        RecurrenceBody? Recurrence,
        string? ConflictPolicy,
        OccurrenceChoiceBody[]? Choices = null);

    /// <summary><c>scope</c>: <c>occurrence</c> (default), <c>following</c> (this and later occurrences) or <c>series</c>.</summary>
    public sealed record CancelBody(string? Reason, string? Scope);

    public sealed record PromotionResult(int Promoted);

    /// <summary>The filters and page of <c>GET /api/bookings</c>, as sent.</summary>
    public sealed class BookingListQuery
    {
        [FromQuery(Name = "resourceId")]
        [QueryValue(typeof(Guid), "Only bookings of this resource.")]
        public string? ResourceId { get; set; }

        [FromQuery(Name = "from")]
        [QueryValue(typeof(DateTimeOffset), "Only bookings ending after this instant, with an offset.")]
        public string? From { get; set; }

        [FromQuery(Name = "to")]
        [QueryValue(typeof(DateTimeOffset), "Only bookings starting before this instant, with an offset; after 'from'.")]
        public string? To { get; set; }

        [FromQuery(Name = "status")]
        [QueryValue(typeof(BookingStatus), "Only bookings in this status.")]
        public string? Status { get; set; }

        [FromQuery(Name = "mine")]
        [QueryValue(typeof(bool), "true: only the caller's own bookings.")]
        public string? Mine { get; set; }

        [FromQuery(Name = "limit")]
        [QueryValue(typeof(int), "Page size (default 50).", Minimum = 1, Maximum = BookingQueries.MaxPageSize)]
        public string? Limit { get; set; }

        [FromQuery(Name = "offset")]
        [QueryValue(typeof(int), "Bookings to skip (default 0).", Minimum = 0, Maximum = 1_000_000)]
        public string? Offset { get; set; }

        [FromQuery(Name = "seriesId")]
        [QueryValue(typeof(Guid), "Only the occurrences of this series.")]
        public string? SeriesId { get; set; }
    }

    public static RouteGroupBuilder MapBookings(this RouteGroupBuilder api)
    {
        var bookings = api.MapGroup("/bookings").WithTags("Bookings");

        bookings.MapPost("/", CreateAsync)
            .WithName("CreateBooking")
            .WithSummary("Book one or several resources atomically, once or as a recurring series")
            .WithDescription("With `recurrence` ({frequency: daily|weekly|monthly, interval, daysOfWeek (weekly), count | until}) the "
                + "occurrences are booked in one transaction: 201 `{seriesId, bookings, skipped, swapped}` with Location `/api/series/{seriesId}`, "
                + "400 naming the dates of occurrences that break a rule. A clash follows `conflictPolicy`: `all-or-nothing` (default) "
                + "answers 409 with `conflictingOccurrences`, suggestions for the whole series and, in `occurrences`, advice per clashing "
                + "occurrence; `skip` books the free occurrences and lists the clashing ones in `skipped`; `alternatives` books a clashing "
                + "occurrence in the best free alternative resource (listed in `swapped`) and skips it only when none is free. "
                + "`choices` [{occurrenceStart, action: skip|book|waitlist, start, end, resourceIds}] decide single clashing occurrences "
                + "first (e.g. another room for one week, the wait list for another); the rest follow the policy. "
                + "`joinWaitlist` cannot be combined with `recurrence`.")
            .Accepts<CreateBookingBody>("application/json")
            .Produces<BookingSnapshot>(StatusCodes.Status201Created)
            .Produces<SeriesSnapshot>(StatusCodes.Status201Created)
            .Produces<BookingSnapshot>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireWriteLimits();

        bookings.MapGet("/", ListAsync)
            .WithName("ListBookings")
            .WithSummary("List bookings, paged; filters resourceId, from, to, status, mine, seriesId")
            .Produces<BookingPage>()
            .ProducesValidationProblem();

        bookings.MapGet("/{id:guid}", GetAsync)
            .WithName("GetBooking")
            .WithSummary("One booking; its ETag is its version")
            .Produces<BookingSnapshot>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        bookings.MapPatch("/{id:guid}", ChangeAsync)
            .WithName("ChangeBooking")
            .WithSummary("Reschedule or edit a booking (owner or admin): this occurrence, this and the following ones, or the whole series")
            .WithDescription("`scope: occurrence` (default) changes the booking; If-Match is its ETag. `following` and `series` change the "
                + "occurrences of its series from this one on, or all of them, in one transaction; If-Match is the series' ETag "
                + "(`GET /api/series/{id}`). `start`/`end` are this occurrence's new times: every other occurrence keeps its own day and "
                + "takes the same local wall-clock times. `following` splits the series here: the rest becomes a new series with "
                + "`splitFrom`. A `recurrence` lays the occurrences out again. Occurrences that have started, ended, been checked in, "
                + "completed or cancelled are left alone (`leftAlone`); with `following`, one changed on its own keeps that change. "
                + "`conflictPolicy` and `choices` (skip or book only) as for a new series. Answers `{seriesId, bookings, version, splitFrom, skipped, swapped, leftAlone}`.")
            .Accepts<ChangeBookingBody>("application/json")
            .Produces<BookingSnapshot>()
            .Produces<SeriesSnapshot>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .RequireWriteLimits();

        bookings.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithName("CancelBooking")
            .WithSummary("Cancel (owner, operator of the location, or admin): one occurrence, this and the following ones, or the whole series")
            .WithDescription("Body (optional) `{reason, scope}`. `scope: following` or `series` cancels, in one transaction, every occurrence "
                + "of the booking's series from this one on (or all of them) that has not ended and can still be cancelled, and answers "
                + "`{seriesId, bookings}` with the cancelled occurrences; `occurrence` (default) answers the booking.")
            .Accepts<CancelBody>(isOptional: true, "application/json")
            .ProducesTransitionAnswers()
            .Produces<SeriesSnapshot>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .RequireWriteLimits();

        bookings.MapPost("/{id:guid}/check-in", async (Guid id, HttpContext http, BookingEngine engine) =>
                Problems.From(await engine.CheckInAsync(id, http.User.ToActor(), http.RequestAborted), Ok))
            .WithName("CheckInBooking")
            .WithSummary("Check in (owner, operator of the location, or admin), from 15 minutes before the start until the grace period ends")
            .ProducesTransitionAnswers()
            .RequireWriteLimits();

        bookings.MapPost("/{id:guid}/approve", (Guid id, HttpContext http, BookingEngine engine) =>
                DecideAsync(http, id, engine, approve: true))
            .WithName("ApproveBooking")
            .WithSummary("Approve a booking awaiting approval (admin): this occurrence, this and the following ones, or the whole series")
            .WithDescription("Body (optional) `{reason, scope}`. `scope: following` or `series` approves, in one transaction, every "
                + "occurrence of the booking's series from this one on (or all) that still awaits approval and has not started, and "
                + "answers `{seriesId, bookings}`; `occurrence` (default) answers the booking.")
            .Accepts<CancelBody>(isOptional: true, "application/json")
            .ProducesTransitionAnswers()
            .Produces<SeriesSnapshot>()
            .ProducesValidationProblem()
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();

        bookings.MapPost("/{id:guid}/reject", (Guid id, HttpContext http, BookingEngine engine) =>
                DecideAsync(http, id, engine, approve: false))
            .WithName("RejectBooking")
            .WithSummary("Reject a booking awaiting approval (admin): this occurrence, this and the following ones, or the whole series")
            .WithDescription("Body (optional) `{reason, scope}` as for approve; rejected occurrences free their slots for the wait list.")
            .Accepts<CancelBody>(isOptional: true, "application/json")
            .ProducesTransitionAnswers()
            .Produces<SeriesSnapshot>()
            .ProducesValidationProblem()
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();

        api.MapGet("/series/{id:guid}", async (Guid id, HttpContext http, BookingQueries queries) =>
            {
                var series = await queries.SeriesAsync(id, http.RequestAborted);
                if (series is null)
                {
                    return Problems.NotFound("The series");
                }

                http.Response.Headers.ETag = $"\"{series.Version}\"";
                return TypedResults.Ok(series);
            })
            .WithTags("Bookings")
            .WithName("GetSeries")
            .WithSummary("A series: its rule in words, where it was split, its version (ETag, the If-Match of edits by scope) and its occurrences")
            .Produces<SeriesView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        bookings.MapGet("/{id:guid}/history", async (Guid id, HttpContext http, BookingQueries queries) =>
            {
                var booking = await queries.GetAsync(id, http.RequestAborted);
                if (booking is null)
                {
                    return Problems.NotFound("The booking");
                }

                var actor = http.User.ToActor();
                var allowed = booking.OwnerId == actor.UserId || actor.IsAdmin
                    || (await queries.LocationsOfAsync(id, http.RequestAborted) is { Count: > 0 } locations && locations.All(actor.OperatesAt));
                return allowed
                    ? TypedResults.Ok(await queries.HistoryAsync(id, http.RequestAborted))
                    : Problems.Forbidden("Only the owner, an operator of this location or an admin can read a booking's history.");
            })
            .WithName("GetBookingHistory")
            .WithSummary("Audit trail of a booking (owner, operator of the location, or admin)")
            .Produces<IReadOnlyList<HistoryView>>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        bookings.MapPost("/process-pending", async (BookingEngine engine, CancellationToken ct) =>
                TypedResults.Ok(new PromotionResult(await engine.PromotePendingAsync(null, ct))))
            .WithName("ProcessPendingBookings")
            .WithSummary("Run the wait-list promotion pass now (admin)")
            .Produces<PromotionResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();

        return api;
    }

    private static IResult Ok(BookingSnapshot booking) => TypedResults.Ok(booking);

    private static async Task<IResult> CreateAsync(HttpContext http, BookingEngine engine, TimeProvider time)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateBookingBody>(http);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>();
        if (body!.ResourceIds is null)
        {
            errors["resourceIds"] = ["'resourceIds' is required."];
        }

        if (body.Start is null)
        {
            errors["start"] = ["'start' is required."];
        }

        if (body.End is null)
        {
            errors["end"] = ["'end' is required."];
        }

        if (body.Title is null)
        {
            errors["title"] = ["'title' is required."];
        }

        CheckReach(errors, time.GetUtcNow(), body.Start, body.End, body.Choices);

        var (recurrence, recurrenceErrors) = body.Recurrence?.ToRule() ?? (null, new ValidationErrors());
        foreach (var (field, messages) in recurrenceErrors.ToDictionary())
        {
            errors[field] = messages;
        }

        var policy = ReadPolicy(body.ConflictPolicy, errors);
        if (recurrence is null && body.Recurrence is null && policy != ConflictPolicy.AllOrNothing)
        {
            errors["conflictPolicy"] = ["'conflictPolicy' applies to a recurring booking; a single booking that clashes can join the wait list instead."];
        }

        var choices = ReadChoices(body.Choices, errors);
        if (body.Recurrence is null && body.Choices is not null)
        {
            errors["choices"] = ["'choices' resolve clashing occurrences of a recurring booking; a single booking has none."];
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 200 || key.Any(char.IsControl))
        {
            errors["Idempotency-Key"] = ["The Idempotency-Key header must be at most 200 printable characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var command = new CreateBookingCommand(body.ResourceIds!, body.Start!.Value, body.End!.Value, body.Title,
            body.AttendeeCount ?? 1, body.JoinWaitlist ?? false, key.Length == 0 ? null : key, ConflictPolicy: policy, Choices: choices);
        if (recurrence is not null)
        {
            var series = await engine.CreateSeriesAsync(command, recurrence, http.User.ToActor(), http.RequestAborted);
            return Problems.From(series, created => SeriesAnswer(http, created, TypedResults.Created($"/api/series/{created.SeriesId}", created)));
        }

        var result = await engine.CreateAsync(command, http.User.ToActor(), http.RequestAborted);
        return Problems.From(result, booking =>
        {
            var location = $"/api/bookings/{booking.Id}";
            http.Response.Headers.ETag = ETagOf(booking);
            return booking.Status == BookingStatus.Pending
                ? TypedResults.Accepted(location, booking)
                : TypedResults.Created(location, booking);
        });
    }

    private static async Task<IResult> ListAsync(HttpContext http, BookingQueries queries, [AsParameters] BookingListQuery sent)
    {
        var query = new QueryReader();
        var filter = new BookingFilter(
            query.Id("resourceId", sent.ResourceId),
            query.Instant("from", sent.From),
            query.Instant("to", sent.To),
            query.Enum<BookingStatus>("status", sent.Status),
            query.Flag("mine", sent.Mine) == true ? http.User.ToActor().UserId : null,
            query.Number("limit", sent.Limit, 1, BookingQueries.MaxPageSize) ?? 50,
            query.Number("offset", sent.Offset, 0, 1_000_000) ?? 0,
            query.Id("seriesId", sent.SeriesId));
        if (filter is { From: { } from, To: { } to } && to <= from)
        {
            query.Errors.Add("to", "'to' must be after 'from'.");
        }

        return query.Errors.IsEmpty
            ? TypedResults.Ok(await queries.ListAsync(filter, http.RequestAborted))
            : Problems.Validation(query.Errors.ToDictionary());
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, BookingQueries queries)
    {
        var booking = await queries.GetAsync(id, http.RequestAborted);
        if (booking is null)
        {
            return Problems.NotFound("The booking");
        }

        http.Response.Headers.ETag = ETagOf(booking);
        return TypedResults.Ok(booking);
    }

    private static async Task<IResult> CancelAsync(Guid id, HttpContext http, BookingEngine engine)
    {
        var (expected, badIfMatch) = IfMatch(http);
        if (badIfMatch is not null)
        {
            return badIfMatch;
        }

        var (body, scope, bad) = await ScopedBodyAsync(http);
        if (bad is not null)
        {
            return bad;
        }

        var actor = http.User.ToActor();
        return scope switch
        {
            null or "occurrence" => Problems.From(await engine.CancelAsync(id, actor, body?.Reason, expected, http.RequestAborted), Ok),
            "following" or "series" => Problems.From(
                await engine.CancelSeriesAsync(id, actor, body?.Reason, onlyFollowing: scope == "following", expected, http.RequestAborted),
                cancelled => TypedResults.Ok(cancelled)),
            _ => Problems.Validation("scope", "The scope must be occurrence, following or series."),
        };
    }

    /// <summary>The optional <c>{reason, scope}</c> body of a status change, with the scope normalised, or the problem with it.</summary>
    private static async Task<(CancelBody? Body, string? Scope, IResult? Problem)> ScopedBodyAsync(HttpContext http)
    {
        var (body, problem) = await OptionalBodyAsync<CancelBody>(http);
        return (body, body?.Scope?.Trim().ToLowerInvariant(), problem ?? BadReason(body?.Reason));
    }

    /// <summary>An approval or rejection: of one booking, or (by <c>scope</c>) of the rest or all of its series.</summary>
    private static async Task<IResult> DecideAsync(HttpContext http, Guid id, BookingEngine engine, bool approve)
    {
        var (body, scope, bad) = await ScopedBodyAsync(http);
        if (bad is not null)
        {
            return bad;
        }

        var actor = http.User.ToActor();
        return scope switch
        {
            null or "occurrence" => Problems.From(approve
                ? await engine.ApproveAsync(id, actor, body?.Reason, http.RequestAborted)
                : await engine.RejectAsync(id, actor, body?.Reason, http.RequestAborted), Ok),
            "following" or "series" => Problems.From(
                await engine.DecideSeriesAsync(id, actor, approve, body?.Reason, onlyFollowing: scope == "following", http.RequestAborted),
                decided => TypedResults.Ok(decided)),
            _ => Problems.Validation("scope", "The scope must be occurrence, following or series."),
        };
    }

    private static async Task<IResult> ChangeAsync(Guid id, HttpContext http, BookingEngine engine, TimeProvider time)
    {
        var (expected, badIfMatch) = IfMatch(http);
        if (badIfMatch is not null)
        {
            return badIfMatch;
        }

        var (body, problem) = await JsonBody.ReadAsync<ChangeBookingBody>(http);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>();
        CheckReach(errors, time.GetUtcNow(), body!.Start, body.End, body.Choices);
        var scope = body.Scope?.Trim().ToLowerInvariant();
        if (scope is not (null or "occurrence" or "following" or "series"))
        {
            errors["scope"] = ["The scope must be occurrence, following or series."];
        }

        var (recurrence, recurrenceErrors) = body.Recurrence?.ToRule() ?? (null, new ValidationErrors());
        foreach (var (field, messages) in recurrenceErrors.ToDictionary())
        {
            errors[field] = messages;
        }

        var policy = ReadPolicy(body.ConflictPolicy, errors);
        var single = scope is null or "occurrence";
        if (single && body.Recurrence is not null)
        {
            errors["recurrence"] = ["A new rule changes several occurrences: send it with scope 'following' or 'series'."];
        }

        if (single && body.ConflictPolicy is not null && policy != ConflictPolicy.AllOrNothing)
        {
            errors["conflictPolicy"] = ["'conflictPolicy' applies to scope 'following' or 'series'."];
        }

        var choices = ReadChoices(body.Choices, errors);
        if (single && body.Choices is not null)
        {
            errors["choices"] = ["'choices' resolve clashing occurrences: send them with scope 'following' or 'series'."];
        }

        if (body is { Start: null, End: null, ResourceIds: null, Title: null, AttendeeCount: null, Recurrence: null })
        {
            errors["body"] = ["Nothing to change: give start, end, resourceIds, title, attendeeCount or (for several occurrences) recurrence."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (!single)
        {
            var change = new ChangeSeriesCommand(id, scope == "following", body.Start, body.End, body.ResourceIds, body.Title, body.AttendeeCount,
                recurrence, policy, expected, choices);
            return Problems.From(await engine.ChangeSeriesAsync(change, http.User.ToActor(), http.RequestAborted),
                changed => SeriesAnswer(http, changed, TypedResults.Ok(changed)));
        }

        var command = new ChangeBookingCommand(id, body.Start, body.End, body.ResourceIds, body.Title, body.AttendeeCount, expected);
        var result = await engine.ChangeAsync(command, http.User.ToActor(), http.RequestAborted);
        return Problems.From(result, booking =>
        {
            http.Response.Headers.ETag = ETagOf(booking);
            return TypedResults.Ok(booking);
        });
    }

    private static IResult SeriesAnswer(HttpContext http, SeriesSnapshot series, IResult answer)
    {
        if (series.Version is { } version)
        {
            http.Response.Headers.ETag = $"\"{version}\"";
        }

        return answer;
    }

    /// <summary>
    /// No booking lies beyond the longest horizon (two years) nor in the past, and the engine says so; but it lays out
    /// series and shifts days first, and near year 1 or 9999 that calendar arithmetic overflows instead. Times this far
    /// out are refused before any of it runs.
    /// </summary>
    private const int ReachYears = 100;

    private static void CheckReach(Dictionary<string, string[]> errors, DateTimeOffset now, DateTimeOffset? start, DateTimeOffset? end,
        OccurrenceChoiceBody[]? choices)
    {
        var (earliest, latest) = (now.AddYears(-ReachYears), now.AddYears(ReachYears));
        bool OutOfReach(DateTimeOffset? instant) => instant is { } t && (t < earliest || t > latest);
        foreach (var (field, instants) in new[] { ("start", new[] { start }), ("end", [end]),
                     ("choices", choices?.SelectMany(c => new[] { c?.OccurrenceStart, c?.Start, c?.End }).ToArray() ?? []) })
        {
            if (instants.Any(OutOfReach))
            {
                errors[field] = [$"Times must lie within {ReachYears} years of today."];
            }
        }
    }

    private static List<OccurrenceChoice>? ReadChoices(OccurrenceChoiceBody[]? bodies, Dictionary<string, string[]> errors)
    {
        if (bodies is null)
        {
            return null;
        }

        var choices = new List<OccurrenceChoice>();
        var problems = new List<string>();
        for (var i = 0; i < bodies.Length; i++)
        {
            var body = bodies[i];
            OccurrenceAction? action = body?.Action?.Trim().ToLowerInvariant() switch
            {
                "skip" => OccurrenceAction.Skip,
                "book" => OccurrenceAction.Book,
                "waitlist" => OccurrenceAction.Waitlist,
                _ => null,
            };
            if (body?.OccurrenceStart is not { } occurrence)
            {
                problems.Add($"choices[{i}]: 'occurrenceStart' is required (the start of the clashing occurrence, as the 409 lists it).");
            }
            else if (action is null)
            {
                problems.Add($"choices[{i}]: the action must be skip, book or waitlist.");
            }
            else if (action != OccurrenceAction.Book && (body.Start is not null || body.End is not null || body.ResourceIds is not null))
            {
                problems.Add($"choices[{i}]: 'start', 'end' and 'resourceIds' go with action 'book'.");
            }
            else if (action == OccurrenceAction.Book && body is { Start: null, End: null, ResourceIds: null })
            {
                problems.Add($"choices[{i}]: action 'book' needs another 'start' and 'end', other 'resourceIds', or both.");
            }
            else
            {
                choices.Add(new OccurrenceChoice(occurrence, action.Value, body.Start, body.End, body.ResourceIds));
            }
        }

        if (problems.Count > 0)
        {
            errors["choices"] = [.. problems];
        }

        return choices;
    }

    private static ConflictPolicy ReadPolicy(string? text, Dictionary<string, string[]> errors)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "all-or-nothing":
                return ConflictPolicy.AllOrNothing;
            case "skip":
                return ConflictPolicy.Skip;
            case "alternatives":
                return ConflictPolicy.Alternatives;
            default:
                errors["conflictPolicy"] = ["The conflict policy must be all-or-nothing, skip or alternatives."];
                return ConflictPolicy.AllOrNothing;
        }
    }

    private static IResult? BadReason(string? reason) => reason switch
    {
        { Length: > 500 } => Problems.Validation("reason", "The reason can be at most 500 characters."),
        { } text when text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) =>
            Problems.Validation("reason", "The reason cannot contain control characters."),
        _ => null,
    };

    private static string ETagOf(BookingSnapshot booking) => $"\"{booking.Version}\"";

    /// <summary>The expected version from If-Match; "*" or no header means any version, anything else unparsable is a 400.</summary>
    private static (uint? Expected, IResult? Problem) IfMatch(HttpContext http)
    {
        var raw = http.Request.Headers.IfMatch.ToString().Trim();
        if (raw.Length == 0 || raw == "*")
        {
            return (null, null);
        }

        var unquoted = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
        return unquoted.Length > 2 && unquoted[0] == '"' && unquoted[^1] == '"' && uint.TryParse(unquoted[1..^1], out var version)
            ? (version, null)
            : (null, Problems.Validation("If-Match", "If-Match must be the booking's ETag, e.g. \"1234\"."));
    }

    /// <summary>Reason bodies are optional: no body at all is fine, a malformed one is not.</summary>
    private static async Task<(T? Value, IResult? Problem)> OptionalBodyAsync<T>(HttpContext http) where T : class
    {
        if (http.Request.ContentLength is 0 or null && !http.Request.Headers.TransferEncoding.Any())
        {
            return (null, null);
        }

        return await JsonBody.ReadAsync<T>(http);
    }
}
