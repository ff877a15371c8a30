namespace BookingPortal.Web.Components;

/// <summary>The cookie that remembers each browser's light or dark choice (Radzen's CookieThemeService writes it).</summary>
public static class ThemeCookie
{
    public const string Name = "bookingportal-theme";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "material", "material-dark" };

    public static bool IsKnown(string theme) => Known.Contains(theme);
}
