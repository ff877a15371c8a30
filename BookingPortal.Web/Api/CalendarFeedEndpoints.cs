using System.Globalization;
using System.Text;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Calendars.Feeds;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Net.Http.Headers;

namespace BookingPortal.Web.Api;

/// <summary>
/// iCalendar feeds for calendar apps (ADR 012): with the bearer token, or with a secret subscription link
/// (<c>?token=</c>) because calendar apps cannot send headers. A wrong or revoked link answers 404 like an unknown feed.
/// </summary>
internal static class CalendarFeedEndpoints
{
    public const string CalendarContentType = "text/calendar; charset=utf-8";

    /// <summary>Calendar apps poll; five minutes keeps a phone from asking every few seconds without hiding a change for long.</summary>
    private const string CacheControl = "private, max-age=300";

    private const string TokenText = "The secret of a subscription link, instead of the bearer token.";
    private const string FromText = "Start of the window, with an offset (default: a window around today).";
    private const string ToText = "End of the window, with an offset.";

    public sealed record CreateLinkBody(string? Feed, Guid? TargetId);

    public sealed record FeedLinkAnswer(Guid Id, string Feed, Guid? TargetId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt,
        string Path);

    /// <summary>The new link's secret appears in this answer only: <c>url</c> and <c>webcalUrl</c> carry it.</summary>
    public sealed record CreatedLinkAnswer(FeedLinkAnswer Link, string Token, string Url, string WebcalUrl);

    public static void MapCalendarFeeds(this RouteGroupBuilder api, RouteGroupBuilder secured)
    {
        var feeds = api.MapGroup("").WithTags("Calendar feeds");
        feeds.MapGet("/me/calendar.ics", (HttpContext http, [QueryValue(typeof(string), TokenText)] string? token,
                [QueryValue(typeof(DateTimeOffset), FromText)] string? from, [QueryValue(typeof(DateTimeOffset), ToText)] string? to) =>
                ServeAsync(http, FeedKind.Mine, null, token, from, to))
            .ProducesFeed()
            .WithName("GetMyCalendar")
            .WithSummary("The caller's bookings as an iCalendar feed (bearer token, or ?token= of a subscription link)");
        feeds.MapGet("/resources/{id:guid}/calendar.ics", (HttpContext http, Guid id, [QueryValue(typeof(string), TokenText)] string? token,
                [QueryValue(typeof(DateTimeOffset), FromText)] string? from, [QueryValue(typeof(DateTimeOffset), ToText)] string? to) =>
                ServeAsync(http, FeedKind.Resource, id, token, from, to))
            .ProducesFeed()
            .WithName("GetResourceCalendar")
            .WithSummary("One resource's bookings and maintenance; other people's bookings read \"Busy\" unless the caller looks after the location");
        feeds.MapGet("/locations/{id:guid}/calendar.ics", (HttpContext http, Guid id, [QueryValue(typeof(string), TokenText)] string? token,
                [QueryValue(typeof(DateTimeOffset), FromText)] string? from, [QueryValue(typeof(DateTimeOffset), ToText)] string? to) =>
                ServeAsync(http, FeedKind.Location, id, token, from, to))
            .ProducesFeed()
            .WithName("GetLocationCalendar")
            .WithSummary("Every booking and maintenance block of a location (its operators and admins)")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        var links = secured.MapGroup("/me/calendar-links").WithTags("Calendar feeds");
        links.MapGet("/", async (HttpContext http, CalendarFeedLinks store) =>
                TypedResults.Ok((await store.ListAsync(http.User.ToActor().UserId, http.RequestAborted)).Select(Answer).ToList()))
            .WithName("ListCalendarLinks")
            .WithSummary("The caller's live subscription links (their secrets are not shown again)")
            .Produces<List<FeedLinkAnswer>>();
        links.MapPost("/", CreateLinkAsync)
            .WithName("CreateCalendarLink")
            .WithSummary("A secret subscription link for one feed; replaces the caller's previous link for that feed")
            .Accepts<CreateLinkBody>("application/json")
            .Produces<CreatedLinkAnswer>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireWriteLimits();
        links.MapDelete("/{id:guid}", async (Guid id, HttpContext http, CalendarFeedLinks store) =>
                await store.RevokeAsync(http.User.ToActor().UserId, id, http.RequestAborted)
                    ? TypedResults.NoContent()
                    : Problems.NotFound("The subscription link"))
            .WithName("RevokeCalendarLink")
            .WithSummary("Revoke a subscription link: calendar apps using it get 404 from then on")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireWriteLimits();
    }

    /// <summary>
    /// "Add to calendar" on the booking screens: the signed-in person's cookie, not a bearer token, since a browser
    /// follows the link. The file holds the booking (or its whole series) with the UID the feeds and invitations use.
    /// </summary>
    public static void MapBookingCalendarDownload(this WebApplication app) =>
        app.MapGet("/bookings/{id:guid}/calendar.ics", async (Guid id, HttpContext http, CalendarFeeds feeds) =>
                await feeds.BookingAsync(http.User.ToActor(), id, BookingPageOf(http), http.RequestAborted) is FeedResult.Ok ok
                    ? Calendar(http, ok, "attachment")
                    : Results.NotFound())
            .RequireAuthorization()
            .ExcludeFromDescription();

    private static RouteHandlerBuilder ProducesFeed(this RouteHandlerBuilder endpoint) => endpoint
        .AcceptsCredentials(OpenApiDocumentSetup.Bearer, OpenApiDocumentSetup.FeedLink)
        .Produces(StatusCodes.Status200OK, contentType: "text/calendar")
        .Produces(StatusCodes.Status304NotModified)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>The address of a feed, relative to the site: what a link's secret is appended to.</summary>
    public static string PathOf(FeedKind feed, Guid? targetId) => feed switch
    {
        FeedKind.Mine => "/api/me/calendar.ics",
        FeedKind.Resource => $"/api/resources/{targetId}/calendar.ics",
        _ => $"/api/locations/{targetId}/calendar.ics",
    };

    /// <summary>The full https and webcal addresses of a link, for the page that shows it once.</summary>
    public static (string Url, string WebcalUrl) AddressesOf(HttpRequest request, FeedKind feed, Guid? targetId, string token)
    {
        var hostAndPath = $"{request.Host}{request.PathBase}{PathOf(feed, targetId)}?token={Uri.EscapeDataString(token)}";
        return ($"{request.Scheme}://{hostAndPath}", $"webcal://{hostAndPath}");
    }

    private static async Task<IResult> CreateLinkAsync(HttpContext http, CalendarFeedLinks store)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateLinkBody>(http);
        if (problem is not null)
        {
            return problem;
        }

        FeedKind? feed = Enum.TryParse<FeedKind>(body!.Feed, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(body.Feed, out _)
            ? parsed
            : null;
        if (feed is null && body.Feed is not null)
        {
            return Problems.Validation("feed", "The feed is mine, resource or location.");
        }

        return await store.CreateAsync(http.User.ToActor(), feed, body.TargetId, http.RequestAborted) switch
        {
            AdminResult<CreatedFeedLink>.Ok(var created) => Created(http.Request, created),
            AdminResult<CreatedFeedLink>.Invalid(var errors) => Problems.Validation(errors),
            _ => Problems.NotFound("The feed"),
        };
    }

    private static IResult Created(HttpRequest request, CreatedFeedLink created)
    {
        var (url, webcal) = AddressesOf(request, created.Link.Feed, created.Link.TargetId, created.Token);
        return TypedResults.Created($"/api/me/calendar-links/{created.Link.Id}", new CreatedLinkAnswer(Answer(created.Link), created.Token, url, webcal));
    }

    private static FeedLinkAnswer Answer(FeedLinkView link) =>
        new(link.Id, link.Feed.ToString().ToLowerInvariant(), link.TargetId, link.Name, link.CreatedAt, link.LastUsedAt, PathOf(link.Feed, link.TargetId));

    private static async Task<IResult> ServeAsync(HttpContext http, FeedKind feed, Guid? targetId, string? token, string? from, string? to)
    {
        var services = http.RequestServices;
        Actor reader;
        string limitKey;
        var byLink = http.Request.Query.ContainsKey("token");
        if (byLink)
        {
            var opened = await services.GetRequiredService<CalendarFeedLinks>().OpenAsync(token, http.RequestAborted);
            if (opened is null || opened.Feed != feed || opened.TargetId != targetId)
            {
                return Problems.NotFound("The calendar");
            }

            reader = opened.Reader;
            limitKey = "link:" + opened.LinkId;
        }
        else
        {
            var signedIn = await http.AuthenticateAsync(IdentityConstants.BearerScheme);
            if (!signedIn.Succeeded || signedIn.Principal is not { } principal)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return TypedResults.Problem("Send the bearer token, or open the feed through a subscription link (?token=).",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
            }

            reader = principal.ToActor();
            limitKey = "user:" + reader.UserId;
        }

        if (services.GetRequiredService<FeedReadLimiter>().TryEnter(limitKey) is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem($"This feed was read too often; retry after {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
        }

        var (window, errors) = WindowOf(http, from, to);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var feeds = services.GetRequiredService<CalendarFeeds>();
        var page = BookingPageOf(http);
        var result = feed switch
        {
            FeedKind.Mine => await feeds.MineAsync(reader, window, page, http.RequestAborted),
            FeedKind.Resource => await feeds.ResourceAsync(reader, targetId!.Value, window, page, http.RequestAborted),
            _ => await feeds.LocationAsync(reader, targetId!.Value, window, page, http.RequestAborted),
        };
        return result switch
        {
            FeedResult.Ok ok => Calendar(http, ok, "inline"),
            // Through a link, a feed its owner may no longer read looks like no feed at all.
            FeedResult.Forbidden forbidden when !byLink => Problems.Forbidden(forbidden.Reason),
            _ => Problems.NotFound("The calendar"),
        };
    }

    /// <summary>Where an event's URL leads: the owner's booking list, which is where a booking is changed or cancelled.</summary>
    private static Func<Guid, Uri> BookingPageOf(HttpContext http)
    {
        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        return bookingId => new Uri($"{baseUrl}/bookings?booking={bookingId}");
    }

    private static (FeedWindow Window, ValidationErrors Errors) WindowOf(HttpContext http, string? from, string? to)
    {
        var query = new QueryReader();
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var standard = FeedWindow.Around(now);
        var start = query.Instant("from", from) ?? (to is null ? standard.From : null);
        var end = query.Instant("to", to) ?? (from is null ? standard.To : null);
        if (query.Errors.IsEmpty)
        {
            var span = standard.To - standard.From;
            // A lone edge near the ends of the calendar leaves no room for a default-length window on its other side.
            if (start is null && end!.Value < DateTimeOffset.MinValue + span)
            {
                query.Errors.Add("to", "'to' is too early for a feed window; send 'from' as well.");
            }
            else if (end is null && start!.Value > DateTimeOffset.MaxValue - span)
            {
                query.Errors.Add("from", "'from' is too late for a feed window; send 'to' as well.");
            }
            else
            {
                start ??= end!.Value - span;
                end ??= start.Value + span;
                if (end <= start)
                {
                    query.Errors.Add("to", "'to' must be after 'from'.");
                }
                else if (end - start > FeedWindow.Longest)
                {
                    query.Errors.Add("to", $"A feed covers at most {FeedWindow.Longest.TotalDays:0} days; ask for a shorter window.");
                }
            }
        }

        return (new FeedWindow(start ?? standard.From, end ?? standard.To), query.Errors);
    }

    private static IResult Calendar(HttpContext http, FeedResult.Ok feed, string disposition)
    {
        var etag = new EntityTagHeaderValue($"\"{feed.Tag}\"");
        var headers = http.Response.Headers;
        headers.ETag = etag.ToString();
        headers.CacheControl = CacheControl;
        var asked = http.Request.GetTypedHeaders().IfNoneMatch;
        if (asked.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var file = new ContentDispositionHeaderValue(disposition);
        file.SetHttpFileName(FileNameOf(feed.Name));
        headers.ContentDisposition = file.ToString();
        return TypedResults.Bytes(Encoding.UTF8.GetBytes(feed.Text), CalendarContentType);
    }

    internal static string FileNameOf(string name)
    {
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return (safe.Length == 0 ? "calendar" : safe[..Math.Min(safe.Length, 60)]) + ".ics";
    }
}
