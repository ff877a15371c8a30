using System.Diagnostics;

namespace BookingPortal.Web.Hosting;

/// <summary>The id that ties one request's log lines, its response and any problem answer together.</summary>
public static class CorrelationId
{
    public const string HeaderName = "X-Correlation-Id";

    private const int MaxLength = 64;
    private static readonly object ItemKey = new();

    /// <summary>The id of this request, or null before the correlation middleware ran.</summary>
    public static string? GetCorrelationId(this HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) ? value as string : null;

    internal static string Assign(HttpContext context)
    {
        var id = IsSane(context.Request.Headers[HeaderName].ToString())
            ? context.Request.Headers[HeaderName].ToString()
            // The trace id, when tracing is on, lets a log search jump straight to the distributed trace.
            : Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        context.Items[ItemKey] = id;
        return id;
    }

    // The id is echoed into headers and log lines, so anything a client sends beyond a plain token is replaced, not
    // trusted: no header injection, no forged log structure, no unbounded size.
    internal static bool IsSane(string value) =>
        value.Length is > 0 and <= MaxLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
