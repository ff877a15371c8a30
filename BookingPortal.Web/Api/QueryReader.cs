using System.Globalization;
using BookingPortal.Domain.Common;

namespace BookingPortal.Web.Api;

/// <summary>
/// Parses query-string values that endpoints bind as strings (so the OpenAPI document declares them, see
/// <see cref="QueryValueAttribute"/>), collecting one message per bad field instead of failing on the first as
/// ASP.NET's own binding of a typed parameter would, without saying which field or why.
/// </summary>
internal sealed class QueryReader
{
    public ValidationErrors Errors { get; } = new();

    public DateTimeOffset? Instant(string name, string? sent, bool required = false)
    {
        var raw = Raw(name, sent, required);
        if (raw is null)
        {
            return null;
        }

        if (UtcDateTimeOffsetConverter.HasOffset(raw) && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return value;
        }

        Errors.Add(name, "Expected an ISO 8601 date and time with an offset, e.g. 2027-03-01T09:00:00Z.");
        return null;
    }

    public Guid? Id(string name, string? sent)
    {
        var raw = Raw(name, sent, false);
        if (raw is null)
        {
            return null;
        }

        if (Guid.TryParse(raw, out var id))
        {
            return id;
        }

        Errors.Add(name, "Expected an id (a UUID).");
        return null;
    }

    public int? Number(string name, string? sent, int min, int max)
    {
        var raw = Raw(name, sent, false);
        if (raw is null)
        {
            return null;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Errors.Add(name, $"Expected a whole number from {min} to {max}.");
        return null;
    }

    public TEnum? Enum<TEnum>(string name, string? sent) where TEnum : struct, Enum
    {
        var raw = Raw(name, sent, false);
        if (raw is null)
        {
            return null;
        }

        if (System.Enum.TryParse<TEnum>(raw, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(raw, out _))
        {
            return value;
        }

        Errors.Add(name, $"Expected one of: {string.Join(", ", System.Enum.GetNames<TEnum>())}.");
        return null;
    }

    public bool? Flag(string name, string? sent)
    {
        var raw = Raw(name, sent, false);
        if (raw is null)
        {
            return null;
        }

        if (bool.TryParse(raw, out var value))
        {
            return value;
        }

        Errors.Add(name, "Expected true or false.");
        return null;
    }

    /// <summary>Every value of a repeatable parameter, each also split at commas.</summary>
    public static IReadOnlyList<string> All(string[]? values) =>
        (values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private string? Raw(string name, string? sent, bool required)
    {
        if (!string.IsNullOrWhiteSpace(sent))
        {
            return sent;
        }

        if (required)
        {
            Errors.Add(name, $"'{name}' is required.");
        }

        return null;
    }
}
