using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// The one place where an exception that escaped an endpoint or a page becomes an answer: a database outage is 503
/// with Retry-After, a domain guard reached from input is 400 or 409, anything else on the API is a 500 that carries
/// no exception details outside Development. Other page failures are left to the /error page.
/// </summary>
internal sealed class FailureAnswers(IHostEnvironment environment, ILogger<FailureAnswers> logger)
    : IExceptionHandler
{
    public const string UnexpectedTitle = "An unexpected error occurred";
    public const string OutageTitle = "The database is unreachable";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware has already pointed the request at /error; the feature keeps the path that failed.
        var path = new PathString(httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path);
        var isApi = path.StartsWithSegments("/api");
        if (DatabaseOutage.IsOutage(exception))
        {
            // A warning, not an error: the readiness probe reports the outage, and one line per request is enough here.
            logger.LogWarning("Answered 503 for {Path}: PostgreSQL is unreachable ({Reason})",
                path, exception.GetBaseException().Message);
            httpContext.Response.Headers.RetryAfter =
                ((int)DatabaseOutage.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            if (isApi || !AcceptsHtml(httpContext))
            {
                await Hardening.WriteProblemAsync(httpContext, StatusCodes.Status503ServiceUnavailable, OutageTitle,
                    "PostgreSQL is unreachable or restarting; nothing was changed by this request unless it says otherwise. Retry after a few seconds.");
            }
            else
            {
                await WriteOutagePageAsync(httpContext, path);
            }

            return true;
        }

        if (!isApi)
        {
            return false;
        }

        if (DomainGuard(exception) is { } guard)
        {
            logger.LogInformation("Answered {Status} for {Path}: {Guard}", guard.Status, path, exception.Message);
            await Hardening.WriteProblemAsync(httpContext, guard);
            return true;
        }

        logger.LogError(exception, "Unhandled exception on {Path}", path);
        var unexpected = new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = UnexpectedTitle };
        if (environment.IsDevelopment())
        {
            unexpected.Detail = exception.ToString();
        }

        await Hardening.WriteProblemAsync(httpContext, unexpected);
        return true;
    }

    /// <summary>
    /// A broken domain invariant that input reached past the endpoint's own checks: a state-machine transition is a
    /// conflict with the booking's state, the rest are input the domain refuses. An ArgumentException counts only when
    /// a domain value object threw it (TimeRange, say); from anywhere else it is a bug and stays a 500.
    /// </summary>
    private static ProblemDetails? DomainGuard(Exception exception) => exception switch
    {
        InvalidBookingTransitionException transition => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict, Title = "Not allowed now", Detail = transition.Message,
        },
        DomainException domain => new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest, Title = "The request is not valid.", Detail = domain.Message,
        },
        ArgumentException argument when argument.TargetSite?.DeclaringType?.Assembly == typeof(DomainException).Assembly
            => argument.ParamName is { Length: > 0 } field
                ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [JsonNamingPolicy.CamelCase.ConvertName(field)] = [MessageOf(argument)] })
                {
                    Status = StatusCodes.Status400BadRequest, Title = "The request is not valid.",
                }
                : new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "The request is not valid.", Detail = argument.Message },
        _ => null,
    };

    // ArgumentException appends " (Parameter 'x')" to its message; the field already names it.
    private static string MessageOf(ArgumentException argument) =>
        argument.Message.Replace($" (Parameter '{argument.ParamName}')", "", StringComparison.Ordinal);

    private static bool AcceptsHtml(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    // Self-contained (no layout, no circuit, no database): the page reloads itself once the wait has passed.
    private static async Task WriteOutagePageAsync(HttpContext context, PathString path)
    {
        var seconds = ((int)DatabaseOutage.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta http-equiv="refresh" content="{seconds}"><title>Retrying · BookingPortal</title></head>
            <body><main><h1>The database is unreachable — retrying…</h1>
            <p role="status" data-testid="database-outage">BookingPortal cannot reach its database right now. This page tries again every {seconds} seconds; nothing you saved is lost.</p>
            <p><a href="{HtmlEncoder.Default.Encode(path + context.Request.QueryString)}">Try again now</a></p></main></body>
            </html>
            """);
    }
}

public static class FailureAnswersSetup
{
    public static IServiceCollection AddBookingFailureAnswers(this IServiceCollection services) =>
        services.AddExceptionHandler<FailureAnswers>();

    /// <summary>
    /// In every environment, so the answers tests see are the answers production gives. A page failure that is not an
    /// outage re-executes /error; the developer exception page is therefore not shown, the log carries the exception.
    /// </summary>
    public static IApplicationBuilder UseBookingFailureAnswers(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", CreateScopeForErrors = true });
}
