using System.Globalization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BookingPortal.Web.Api;

/// <summary>
/// An answer that comes in two shapes for one status (a booking, or a series of them) would otherwise be documented
/// with only the last shape declared, because API Explorer keeps one type per status; this lists every declared
/// shape as <c>oneOf</c>.
/// </summary>
internal static class OpenApiResponseAlternatives
{
    public static async Task ApplyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var shapesByStatus = context.Description.ActionDescriptor.EndpointMetadata
            .OfType<IProducesResponseTypeMetadata>()
            .Where(m => m.Type is not null && m.Type != typeof(void))
            .GroupBy(m => m.StatusCode.ToString(CultureInfo.InvariantCulture), m => m.Type!)
            .Select(g => (Status: g.Key, Types: g.Distinct().ToList()))
            .Where(g => g.Types.Count > 1);
        foreach (var (status, types) in shapesByStatus)
        {
            if (operation.Responses?.TryGetValue(status, out var response) != true || response!.Content is null
                || !response.Content.TryGetValue("application/json", out var media))
            {
                continue;
            }

            var alternatives = new List<IOpenApiSchema>();
            foreach (var type in types)
            {
                alternatives.Add(await ReferenceAsync(type, context, ct));
            }

            media.Schema = new OpenApiSchema { OneOf = alternatives };
        }
    }

    /// <summary>The shape as a reference to its component (registered under its type name, as the generator names them).</summary>
    private static async Task<IOpenApiSchema> ReferenceAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var schema = await context.GetOrCreateSchemaAsync(type, cancellationToken: ct);
        if (context.Document is not { } document)
        {
            return schema;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(type.Name, schema);
        return new OpenApiSchemaReference(type.Name, document);
    }
}
