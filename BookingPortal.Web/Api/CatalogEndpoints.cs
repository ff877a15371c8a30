using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Web.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace BookingPortal.Web.Api;

internal static class CatalogEndpoints
{
    public sealed record BlockBody(DateTimeOffset? Start, DateTimeOffset? End, string? Reason);

    /// <summary>The resource filters of <c>GET /api/resources</c> and <c>GET /api/availability</c>, as sent.</summary>
    public sealed class ResourceQuery
    {
        [FromQuery(Name = "locationId")]
        [QueryValue(typeof(Guid), "Only resources at this location.")]
        public string? LocationId { get; set; }

        [FromQuery(Name = "floorId")]
        [QueryValue(typeof(Guid), "Only resources on this floor.")]
        public string? FloorId { get; set; }

        [FromQuery(Name = "kind")]
        [QueryValue(typeof(ResourceKind), "Only resources of this kind.")]
        public string? Kind { get; set; }

        [FromQuery(Name = "minCapacity")]
        [QueryValue(typeof(int), "Only resources seating at least this many.", Minimum = 1, Maximum = 10_000)]
        public string? MinCapacity { get; set; }

        [FromQuery(Name = "feature")]
        [QueryValue(typeof(string[]), "Only resources with every one of these features: repeat the parameter, or separate them with commas.")]
        public string[]? Feature { get; set; }
    }

    public static RouteGroupBuilder MapCatalog(this RouteGroupBuilder api)
    {
        api.MapGet("/locations", async (ResourceCatalog catalog, CancellationToken ct) => TypedResults.Ok(await catalog.LocationsAsync(ct)))
            .WithTags("Locations")
            .WithName("ListLocations")
            .WithSummary("Locations with time zone, opening hours and floors")
            .Produces<IReadOnlyList<LocationView>>();

        var resources = api.MapGroup("/resources").WithTags("Resources");
        resources.MapGet("/", async (HttpContext http, ResourceCatalog catalog, [AsParameters] ResourceQuery sent) =>
            {
                var query = new QueryReader();
                var filter = FilterOf(query, sent);
                return query.Errors.IsEmpty
                    ? TypedResults.Ok(await catalog.ResourcesAsync(filter, http.RequestAborted))
                    : Problems.Validation(query.Errors.ToDictionary());
            })
            .WithName("ListResources")
            .WithSummary("Resources, filtered by location, floor, kind, capacity and features")
            .Produces<IReadOnlyList<ResourceView>>()
            .ProducesValidationProblem();

        resources.MapGet("/{id:guid}", async (Guid id, ResourceCatalog catalog, CancellationToken ct) =>
                await catalog.ResourceAsync(id, ct) is { } resource ? TypedResults.Ok(resource) : Problems.NotFound("The resource"))
            .WithName("GetResource")
            .WithSummary("One resource")
            .Produces<ResourceView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        resources.MapPost("/", async (HttpContext http, ResourceAdministration admin) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<ResourceDefinition>(http);
                return problem ?? ToHttp(await admin.CreateAsync(body!, http.RequestAborted), r => TypedResults.Created($"/api/resources/{r.Id}", r));
            })
            .WithName("CreateResource")
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
            .WithName("UpdateResource")
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
            .WithName("DeactivateResource")
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
            .WithName("BlockResource")
            .WithSummary("Block a resource for maintenance (admin); 409 when holding bookings collide")
            .Accepts<BlockBody>("application/json")
            .Produces<MaintenanceBlockView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(IdentitySetup.AdminPolicy)
            .RequireWriteLimits();

        api.MapGet("/availability", async (HttpContext http, ResourceCatalog catalog,
                [QueryValue(typeof(DateTimeOffset), "Start of the window (required), with an offset.", Required = true)] string? start,
                [QueryValue(typeof(DateTimeOffset), "End of the window (required), with an offset; at most 31 days after the start.", Required = true)] string? end,
                [AsParameters] ResourceQuery sent) =>
            {
                var query = new QueryReader();
                var from = query.Instant("start", start, required: true);
                var to = query.Instant("end", end, required: true);
                var filter = FilterOf(query, sent);
                if (from is not null && to is not null && !TimeRange.TryCreate(from.Value, to.Value, out _))
                {
                    query.Errors.Add("end", "'end' must be after 'start'.");
                }
                else if (from is not null && to is not null && to.Value - from.Value > TimeSpan.FromDays(31))
                {
                    query.Errors.Add("end", "The window can span at most 31 days.");
                }

                return query.Errors.IsEmpty
                    ? TypedResults.Ok(await catalog.AvailableAsync(new TimeRange(from!.Value, to!.Value), filter, http.RequestAborted))
                    : Problems.Validation(query.Errors.ToDictionary());
            })
            .WithTags("Availability")
            .WithName("FindAvailableResources")
            .WithSummary("Resources free for the whole window")
            .Produces<IReadOnlyList<ResourceView>>()
            .ProducesValidationProblem();

        return api;
    }

    private static ResourceFilter FilterOf(QueryReader query, ResourceQuery sent) => new(
        query.Id("locationId", sent.LocationId),
        query.Id("floorId", sent.FloorId),
        query.Enum<ResourceKind>("kind", sent.Kind),
        query.Number("minCapacity", sent.MinCapacity, 1, 10_000),
        QueryReader.All(sent.Feature));

    private static IResult ToHttp<T>(AdminResult<T> result, Func<T, IResult> ok) => result switch
    {
        AdminResult<T>.Ok success => ok(success.Value),
        AdminResult<T>.Invalid invalid => Problems.Validation(invalid.Errors),
        AdminResult<T>.NotFound => Problems.NotFound("The resource"),
        AdminResult<T>.Collides collides => Problems.Conflict(new ConflictDetails(collides.Collisions.Select(c => c.Range).ToList(), [], [], false)),
        _ => throw new InvalidOperationException($"Unhandled result {result.GetType().Name}."),
    };
}
