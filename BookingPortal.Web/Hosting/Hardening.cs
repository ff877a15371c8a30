using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// Rate limits on writes, security headers, request size limits, JSON logs and correlation ids; configuration keys
/// are listed in docs/hardening.md.
/// </summary>
public static class Hardening
{
    public static WebApplicationBuilder AddBookingHardening(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        ConfigureLogging(builder);

        services.AddOptions<RateLimitingOptions>()
            .BindConfiguration(RateLimitingOptions.Section)
            .Validate(o => o.PerUser.PermitLimit > 0 && o.PerUser.WindowSeconds > 0
                           && o.PerIp.PermitLimit > 0 && o.PerIp.WindowSeconds > 0
                           && o.Feeds.PermitLimit > 0 && o.Feeds.WindowSeconds > 0,
                "RateLimiting:PerUser, PerIp and Feeds need a positive PermitLimit and WindowSeconds.")
            .ValidateOnStart();
        services.AddOptions<RequestLimitOptions>()
            .BindConfiguration(RequestLimitOptions.Section)
            .Validate(o => o.MaxRequestBodyBytes > 0, "Limits:MaxRequestBodyBytes must be positive.")
            .ValidateOnStart();

        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<RequestLimitOptions>>((kestrel, limits) =>
                kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);

        services.AddSingleton<WritesRateLimitPolicy>();
        services.AddSingleton<FeedReadLimiter>();
        services.AddRateLimiter(options => options.OnRejected = OnRejectedAsync);
        services.AddOptions<RateLimiterOptions>()
            .Configure<WritesRateLimitPolicy>((options, policy) => options.AddPolicy(RateLimitPolicies.Writes, policy))
            .Configure<IOptions<RateLimitingOptions>>((options, settings) => options.AddPolicy(RateLimitPolicies.SignIn, context =>
            {
                var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                // Only attempts count: showing the sign-in page is free.
                return settings.Value.Enabled && !HttpMethods.IsGet(context.Request.Method)
                    ? RateLimitPartition.GetFixedWindowLimiter(ip, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.Value.SignIn.PermitLimit,
                        Window = settings.Value.SignIn.Window,
                        QueueLimit = 0,
                    })
                    // Its own key: a partition's limiter is made once per key, so sharing the address would limit these too.
                    : RateLimitPartition.GetNoLimiter("free:" + ip);
            }));

        services.AddProblemDetails();
        // Post-configured and chained, so a customization the API adds elsewhere runs too instead of being replaced.
        services.PostConfigure<ProblemDetailsOptions>(options =>
        {
            var earlier = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                earlier?.Invoke(context);
                if (context.HttpContext.GetCorrelationId() is { } id)
                {
                    context.ProblemDetails.Extensions["correlationId"] = id;
                }
            };
        });

        // A startup filter puts these in front of everything the host and Program.cs add (exception pages, status
        // code pages, static files), so every response gets the headers and every log line the correlation id.
        services.AddTransient<IStartupFilter, FrontOfPipeline>();
        return builder;
    }

    /// <summary>
    /// Enables the write rate limiter and the 413 answer for over-long API bodies. Place it after authentication, so
    /// writes count against the signed-in user rather than only the caller's address.
    /// </summary>
    public static WebApplication UseBookingHardening(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        // After routing, so an endpoint's own size limit metadata is already in force when the body is measured.
        app.Use(ApiBodySizeGuard.InvokeAsync);
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        var format = builder.Configuration["Logging:Format"]
                     ?? (builder.Environment.IsDevelopment() ? "simple" : "json");
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(options =>
            {
                // Scopes carry CorrelationId, RequestId and RequestPath into every line of a request.
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var fromLease)
            ? fromLease
            : LongestWindow(context.HttpContext);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await WriteProblemAsync(
            context.HttpContext,
            StatusCodes.Status429TooManyRequests,
            "Too many requests",
            $"Too many writes in a short time; retry after {seconds} seconds.").ConfigureAwait(false);
    }

    // Only reached if a limiter gives no hint; the longest window is the wait that is surely enough.
    private static TimeSpan LongestWindow(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        return settings.PerUser.Window > settings.PerIp.Window ? settings.PerUser.Window : settings.PerIp.Window;
    }

    internal static Task WriteProblemAsync(HttpContext context, int status, string title, string detail) =>
        WriteProblemAsync(context, new ProblemDetails { Status = status, Title = title, Detail = detail });

    internal static async Task WriteProblemAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem })
                .ConfigureAwait(false))
        {
            // The default writer declines when Accept names no JSON type (a browser, say); an API client still
            // deserves the documented problem shape rather than an empty body.
            if (context.GetCorrelationId() is { } id)
            {
                problem.Extensions["correlationId"] = id;
            }

            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json")
                .ConfigureAwait(false);
        }
    }

    private sealed class FrontOfPipeline : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(CorrelateAndSecureAsync);
            next(app);
        };

        private static async Task CorrelateAndSecureAsync(HttpContext context, RequestDelegate next)
        {
            var id = CorrelationId.Assign(context);
            // OnStarting, not now: an exception handler clears the headers before it writes its answer.
            context.Response.OnStarting(() =>
            {
                SecurityHeaders.Apply(context.Response);
                context.Response.Headers[CorrelationId.HeaderName] = id;
                return Task.CompletedTask;
            });

            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BookingPortal.Requests");
            using (logger.BeginScope("CorrelationId:{CorrelationId}", id))
            {
                await next(context).ConfigureAwait(false);
            }
        }
    }
}
