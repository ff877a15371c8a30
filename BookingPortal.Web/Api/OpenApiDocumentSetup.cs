using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BookingPortal.Web.Api;

/// <summary>
/// What makes <c>/openapi/v1.json</c> usable by a client generator (ADR 021), for every endpoint alike: the security
/// schemes and, per operation, which of them it takes; the query parameters bound as strings documented as what they
/// are parsed into; descriptions of the tags. An endpoint only needs its <c>WithName</c>, summary and answers.
/// </summary>
internal static class OpenApiDocumentSetup
{
    /// <summary>Identity's bearer tokens (opaque, not JWTs) or a personal API token, in the Authorization header.</summary>
    public const string Bearer = "bearer";

    /// <summary>The secret of a calendar subscription link, for calendar apps that cannot send headers.</summary>
    public const string FeedLink = "feedLink";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Auth"] = "Sign-in with email and password, and refresh of the bearer token.",
        ["Locations"] = "Sites with their time zone, opening hours and floors.",
        ["Resources"] = "Rooms, desks and other bookable resources; admins create, change, deactivate and block them.",
        ["Availability"] = "Which resources are free for a whole window.",
        ["Bookings"] = "Booking, changing, cancelling, checking in and approving single bookings and series.",
        ["Notifications"] = "The caller's in-app notifications.",
        ["Events"] = "Live changes as Server-Sent Events.",
        ["Reports"] = "Space-use figures per location (SPEC §9), as JSON or CSV.",
        ["Calendar feeds"] = "iCalendar feeds of bookings, and the secret subscription links that open them without a header.",
        ["Calendar sync"] = "Two-way sync of resources with Microsoft 365 and Google calendars.",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(DescribeDocument);
        options.AddOperationTransformer(RequireCredentials);
        options.AddOperationTransformer(DeclareQueryValues);
        options.AddOperationTransformer(OpenApiResponseAlternatives.ApplyAsync);
    }

    /// <summary>
    /// The credentials of an endpoint that checks them itself instead of through an authorization policy (any one of
    /// the schemes will do); without it, an endpoint with a policy takes the bearer token and one without takes none.
    /// </summary>
    public static TBuilder AcceptsCredentials<TBuilder>(this TBuilder endpoint, params string[] schemes) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new CredentialsMetadata(schemes));

    private sealed record CredentialsMetadata(string[] Schemes);

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Description ??= "The BookingPortal REST API (v1): JSON in camelCase, times in ISO 8601 with an offset, "
            + "errors as RFC 9457 problem details (application/problem+json) with `errors` per field for validation.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "`Authorization: Bearer <token>`: the accessToken of POST /api/auth/login (or /refresh), or a personal API token.",
        };
        document.Components.SecuritySchemes[FeedLink] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Query,
            Name = "token",
            Description = "The secret of a calendar subscription link (POST /api/me/calendar-links), for apps that cannot send headers.",
        };

        // The generator names the server after the request, with a trailing slash that a client would double.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description ??= description;
            }
        }

        return Task.CompletedTask;
    }

    private static Task RequireCredentials(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var schemes = metadata.OfType<CredentialsMetadata>().LastOrDefault()?.Schemes
            ?? (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any() ? [Bearer] : []);
        // One requirement per accepted scheme (any will do); none needed is the empty requirement.
        operation.Security = schemes.Length == 0
            ? [new OpenApiSecurityRequirement()]
            : schemes.Select(scheme => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }).ToList();
        return Task.CompletedTask;
    }

    private static Task DeclareQueryValues(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var description in context.Description.ParameterDescriptions.Where(d => d.Source == BindingSource.Query))
        {
            if (description.ParameterDescriptor is not IParameterInfoParameterDescriptor { ParameterInfo: var info }
                || info.GetCustomAttributes(typeof(QueryValueAttribute), inherit: true).OfType<QueryValueAttribute>().FirstOrDefault() is not { } value
                || operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.In == ParameterLocation.Query && p.Name == description.Name)
                    is not { } parameter)
            {
                continue;
            }

            parameter.Schema = SchemaOf(value);
            parameter.Description = value.Description;
            parameter.Required = value.Required;
        }

        return Task.CompletedTask;
    }

    /// <summary>The plain JSON Schema of a query value: the query string has no JSON number handling or nullability to show.</summary>
    private static OpenApiSchema SchemaOf(QueryValueAttribute value)
    {
        static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
        var type = value.DocumentedAs;
        var schema = type switch
        {
            _ when type == typeof(Guid) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
            _ when type == typeof(DateTimeOffset) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            _ when type == typeof(int) => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            _ when type == typeof(long) => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
            _ when type == typeof(bool) => new OpenApiSchema { Type = JsonSchemaType.Boolean },
            _ when type == typeof(string) => new OpenApiSchema { Type = JsonSchemaType.String },
            _ when type == typeof(string[]) => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            { IsEnum: true } => new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = Enum.GetNames(type).Select(name => (JsonNode)JsonValue.Create(name)).ToList(),
            },
            _ => throw new InvalidOperationException($"No query schema for {type.Name}: add it here."),
        };
        schema.Format = value.Format ?? schema.Format;
        schema.Minimum = value.Minimum == int.MinValue ? null : Number(value.Minimum);
        schema.Maximum = value.Maximum == int.MaxValue ? null : Number(value.Maximum);
        return schema;
    }
}
