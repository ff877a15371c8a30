namespace BookingPortal.Web.Api;

/// <summary>
/// A query parameter bound as a string, so that <see cref="QueryReader"/> can refuse a bad value with the field's own
/// message, and documented in the OpenAPI document as the type it is parsed into (<see cref="OpenApiDocumentSetup"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
internal sealed class QueryValueAttribute(Type documentedAs, string description) : Attribute
{
    public Type DocumentedAs { get; } = documentedAs;

    public string Description { get; } = description;

    /// <summary>For a number: the smallest value accepted.</summary>
    public int Minimum { get; set; } = int.MinValue;

    /// <summary>For a number: the largest value accepted.</summary>
    public int Maximum { get; set; } = int.MaxValue;

    /// <summary>Whether the endpoint refuses a request without it.</summary>
    public bool Required { get; set; }

    /// <summary>For a string: the format its value follows, such as <c>date</c>.</summary>
    public string? Format { get; set; }
}
