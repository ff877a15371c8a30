using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using BookingPortal.Web.Hosting;

namespace BookingPortal.Web.Api;

internal static class ApiSetup
{
    public static void AddBookingApi(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            // Escapes <, >, & and quotes so stored text stays inert even if a client pastes JSON into HTML.
            options.SerializerOptions.Encoder = JavaScriptEncoder.Default;
            // Names only, as the OpenAPI document lists them: a number would pass for any value of the enum, defined or not.
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
            options.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter());
        });
        builder.Services.AddOpenApi(OpenApiDocumentSetup.Configure);
    }

    public static void MapBookingApi(this WebApplication app)
    {
        app.MapOpenApi();
        // Any of them answers 503 with Retry-After while PostgreSQL is unreachable (Hosting/FailureAnswers.cs).
        var api = app.MapGroup("/api").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapAuth();
        var secured = api.MapGroup("").RequireAuthorization(IdentitySetup.ApiPolicy).ProducesProblem(StatusCodes.Status401Unauthorized);
        secured.MapCatalog();
        secured.MapBookings();
        secured.MapNotifications();
        secured.MapEvents();
        secured.MapReports();
        secured.MapSync();
        api.MapSyncWebhooks();
        api.MapCalendarFeeds(secured);
    }
}
