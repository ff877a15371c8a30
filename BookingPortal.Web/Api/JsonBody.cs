using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace BookingPortal.Web.Api;

/// <summary>
/// Reads a JSON request body with messages a client can act on: a malformed document, a wrong type or a missing body
/// each becomes a 400 problem naming the field, instead of the framework's bare 400.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context) where T : class
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, context.RequestAborted);
            return value is null
                ? (null, Problems.Validation("body", "A JSON object is required."))
                : (value, null);
        }
        catch (JsonException e)
        {
            var field = FieldOf(e.Path);
            var message = e.Message.Contains("Expected an ISO 8601", StringComparison.Ordinal)
                ? "Expected an ISO 8601 date and time with an offset, e.g. 2027-03-01T09:00:00Z."
                : field == "body" ? "The body is not valid JSON." : $"The value of '{field}' has the wrong type or format.";
            return (null, Problems.Validation(field, message));
        }
        catch (BadHttpRequestException e)
        {
            return (null, TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "Request body too large" : "Bad request"));
        }
    }

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.TrimStart('$', '.');
        var bracket = field.IndexOf('[');
        return bracket > 0 ? field[..bracket] : field;
    }
}
