namespace BookingPortal.Web.Hosting;

/// <summary>Response headers every answer carries, pages and API alike.</summary>
internal static class SecurityHeaders
{
    /// <remarks>
    /// Blazor Server needs no inline script and no eval: its script, Radzen's and circuit.js are files, and the
    /// circuit talks over a same-origin WebSocket (hence ws:/wss:, which 'self' does not cover in every browser).
    /// Radzen components set style attributes, hence 'unsafe-inline' for styles only. Floor plan backgrounds may be
    /// any https image an admin links (ADR 010), hence https: for images.
    /// </remarks>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; " +
        "font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; " +
        "form-action 'self'; object-src 'none'";

    private static readonly KeyValuePair<string, string>[] Headers =
    [
        new("Content-Security-Policy", ContentSecurityPolicy),
        new("X-Content-Type-Options", "nosniff"),
        new("Referrer-Policy", "strict-origin-when-cross-origin"),
        // For browsers that predate frame-ancestors.
        new("X-Frame-Options", "DENY"),
        new("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        new("Cross-Origin-Opener-Policy", "same-origin"),
    ];

    public static void Apply(HttpResponse response)
    {
        foreach (var (name, value) in Headers)
        {
            // Overwrites, not adds: Blazor sets its own frame-ancestors-only CSP and antiforgery X-Frame-Options
            // SAMEORIGIN, both looser than ours. This callback is registered first, so it runs last and wins.
            response.Headers[name] = value;
        }
    }
}
