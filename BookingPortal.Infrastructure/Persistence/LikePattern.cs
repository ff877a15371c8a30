namespace BookingPortal.Infrastructure.Persistence;

/// <summary>
/// Searching for what people typed, literally: "100%" finds "100%", not everything. Use with the escape character
/// overload, <c>EF.Functions.ILike(column, pattern, LikePattern.Escape)</c>.
/// </summary>
internal static class LikePattern
{
    public const string Escape = @"\";

    public static string Containing(string text) =>
        $"%{text.Replace(Escape, Escape + Escape, StringComparison.Ordinal).Replace("%", Escape + "%", StringComparison.Ordinal).Replace("_", Escape + "_", StringComparison.Ordinal)}%";
}
