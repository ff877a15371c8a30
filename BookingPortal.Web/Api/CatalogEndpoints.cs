using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Web.Hosting;

namespace BookingPortal.Web.Api;

internal static class CatalogEndpoints
{
    public sealed record BlockBody(DateTimeOffset? Start, DateTimeOffset? End, string? Reason);

    public static RouteGroupBuilder MapCatalog(this RouteGroupBuilder api)
    {
        api.MapGet("/locations", async (ResourceCatalog catalog, CancellationToken ct) => TypedResults.Ok(await catalog.LocationsAsync(ct)))
            .WithTags("Locations")
            .WithSummary("Locations with time zone, opening hours and floors")
            .Produces<IReadOnlyList<LocationView>>();

        var resources = api.MapGroup("/resources").WithTags("Resources");
        resources.MapGet("/", async (HttpContext http, ResourceCatalog catalog) =>
            {
                var query = new QueryReader(http.Request);
                var filter = FilterOf(query);
                return query.Errors.IsEmpty
                    ? TypedResults.Ok(await catalog.ResourcesAsync(filter, http.RequestAborted))
                    : Problems.Validation(query.Errors.ToDictionary());
            })
            .WithSummary("Resources, filtered by location, floor, kind, capacity and features")
            .Produces<IReadOnlyList<ResourceView>>()
            .ProducesValidationProblem();

        resources.MapGet("/{id:guid}", async (Guid id, ResourceCatalog catalog, CancellationToken ct) =>
                await catalog.ResourceAsync(id, ct) is { } resource ? TypedResults.Ok(resource) : Problems.NotFound("The resource"))
            .WithSummary("One resource")
            .Produces<ResourceView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        resources.MapPost("/", async (HttpContext http, ResourceAdministration admin) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<ResourceDefinition>(http);
                return problem ?? ToHttp(await admin.CreateAsync(body!, http.RequestAborted), r => TypedResults.Created($"/api/resources/{r.Id}", r));
            })
            .WithSummary("Create a resource (admin)")
            .Accepts<ResourceDefinition>("application/json")
            .Produces<ResourceView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();

        resources.MapPut("/{id:guid}", async (Guid id, HttpContext http, ResourceAdministration admin) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<ResourceDefinition>(http);
                return problem ?? ToHttp(await admin.UpdateAsync(id, body!, http.RequestAborted), r => TypedResults.Ok(r));
            })
            .WithSummary("Update a resource (admin)")
            .Accepts<ResourceDefinition>("application/json")
            .Produces<ResourceView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();

        resources.MapDelete("/{id:guid}", async (Guid id, ResourceAdministration admin, CancellationToken ct) =>
                ToHttp(await admin.DeactivateAsync(id, ct), _ => TypedResults.NoContent()))
            .WithSummary("Deactivate a resource, keeping its history (admin)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();

        resources.MapPost("/{id:guid}/blocks", async (Guid id, HttpContext http, MaintenanceAdministration maintenance) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<BlockBody>(http);
                return problem ?? ToHttp(await maintenance.PlaceAsync(new MaintenanceRequest([id], body!.Start, body.End, body.Reason), http.User.ToActor(),
                        http.RequestAborted),
                    blocks => TypedResults.Created($"/api/resources/{id}/blocks/{blocks[0].Id}", blocks[0]));
            })
            .WithSummary("Block a resource for maintenance (admin); 409 when holding bookings collide")
            .Accepts<BlockBody>("application/json")
            .Produces<MaintenanceBlockView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();

        api.MapGet("/availability", async (HttpContext http, ResourceCatalog catalog) =>
            {
                var query = new QueryReader(http.Request);
                var start = query.Instant("start", required: true);
                var end = query.Instant("end", required: true);
                var filter = FilterOf(query);
                if (start is not null && end is not null && !TimeRange.TryCreate(start.Value, end.Value, out _))
                {
                    query.Errors.Add("end", "'end' must be after 'start'.");
                }
                else if (start is not null && end is not null && end.Value - start.Value > TimeSpan.FromDays(31))
                {
                    query.Errors.Add("end", "The window can span at most 31 days.");
                }

                return query.Errors.IsEmpty
                    ? TypedResults.Ok(await catalog.AvailableAsync(new TimeRange(start!.Value, end!.Value), filter, http.RequestAborted))
                    : Problems.Validation(query.Errors.ToDictionary());
            })
            .WithTags("Availability")
            .WithSummary("Resources free for the whole window")
            .Produces<IReadOnlyList<ResourceView>>()
            .ProducesValidationProblem();

        return api;
    }

    private static ResourceFilter FilterOf(QueryReader query) => new(
        query.Id("locationId"),
        query.Id("floorId"),
        query.Enum<ResourceKind>("kind"),
        query.Number("minCapacity", 1, 10_000),
        query.All("feature"));

    private static IResult ToHttp<T>(AdminResult<T> result, Func<T, IResult> ok) => result switch
    {
        AdminResult<T>.Ok success => ok(success.Value),
        AdminResult<T>.Invalid invalid => Problems.Validation(invalid.Errors),
        AdminResult<T>.NotFound => Problems.NotFound("The resource"),
        AdminResult<T>.Collides collides => Problems.Conflict(new ConflictDetails(collides.Collisions.Select(c => c.Range).ToList(), [], [], false)),
        _ => throw new InvalidOperationException($"Unhandled result {result.GetType().Name}."),
    };
}
