using Microsoft.AspNetCore.Http.Features;

namespace BookingPortal.Web.Hosting;

/// <summary>Answers an over-long <c>/api</c> request body with a 413 problem instead of whatever the endpoint makes of it.</summary>
/// <remarks>
/// Kestrel enforces the limit only while the body is read, and minimal APIs turn that failure into a bare 400 (or,
/// with ThrowOnBadRequest, a 400 exception wrapping the 413). So the size is settled here, before the endpoint:
/// from Content-Length when there is one, else by reading the (then buffered) body through once.
/// </remarks>
internal static class ApiBodySizeGuard
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (limit is { } max && await ExceedsAsync(context, max).ConfigureAwait(false))
        {
            await RefuseAsync(context, max).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (IsTooLarge(exception) && !context.Response.HasStarted)
        {
            // Endpoints that read the body themselves (with ThrowOnBadRequest, say) can still trip the limit.
            context.Response.Clear();
            await RefuseAsync(context, limit).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ExceedsAsync(HttpContext context, long max)
    {
        if (context.Request.ContentLength is { } length)
        {
            return length > max;
        }

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            return false;
        }

        // Chunked: no length up front. Buffering is bounded by the limit itself, and rare for API clients.
        context.Request.EnableBuffering();
        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (IsTooLarge(exception))
        {
            return true;
        }

        context.Request.Body.Position = 0;
        return false;
    }

    private static bool IsTooLarge(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    private static Task RefuseAsync(HttpContext context, long? limit) =>
        Hardening.WriteProblemAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            "Request body too large",
            limit is { } bytes ? $"The request body may not exceed {bytes} bytes." : "The request body is too large.");
}
