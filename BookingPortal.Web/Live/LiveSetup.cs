using BookingPortal.Infrastructure.Floorplan;
using Microsoft.Net.Http.Headers;

namespace BookingPortal.Web.Live;

internal static class LiveSetup
{
    /// <summary>The per-instance fan-outs behind live floorplans, wall displays and the event stream.</summary>
    public static IServiceCollection AddLiveScreens(this IServiceCollection services) => services
        .AddSingleton<FloorplanBoards>()
        .AddSingleton<FloorplanMarkup>()
        .AddSingleton<EventStreamHub>();

    /// <summary>
    /// Floor plan pictures. Open to anyone holding the address, as wall displays opened by link have no user; the
    /// address carries the picture's SHA-256, so it cannot be guessed and never changes meaning.
    /// </summary>
    public static void MapFloorPlanImages(this WebApplication app) =>
        app.MapGet("/floorplans/{floorId:guid}/background/{sha256}", async (Guid floorId, string sha256, HttpContext http, FloorplanQueries queries) =>
            {
                if (sha256.Length != 64 || await queries.FloorImageAsync(floorId, sha256, http.RequestAborted) is not { } image)
                {
                    return Results.NotFound();
                }

                http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                return Results.File(image.Content, image.ContentType, entityTag: new EntityTagHeaderValue($"\"{sha256}\""));
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
}
