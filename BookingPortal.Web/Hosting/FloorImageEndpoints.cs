using BookingPortal.Infrastructure.Catalog;

namespace BookingPortal.Web.Hosting;

internal static class FloorImageEndpoints
{
    /// <summary>
    /// Uploaded floor plan backgrounds (ADR 010) for signed-in users. An image's address changes with every upload, so
    /// browsers may keep each one for good.
    /// </summary>
    public static void MapFloorImages(this WebApplication app) =>
        app.MapGet(LocationAdministration.ImagePath + "{id:guid}", async (Guid id, HttpContext http, ResourceCatalog catalog) =>
            {
                if (await catalog.FloorImageAsync(id, http.RequestAborted) is not { } image)
                {
                    return Results.NotFound();
                }

                http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
                return Results.File(image.Content, image.ContentType);
            })
            .RequireAuthorization()
            .ExcludeFromDescription();
}
