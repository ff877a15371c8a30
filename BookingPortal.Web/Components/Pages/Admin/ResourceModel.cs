using System.Globalization;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;

namespace BookingPortal.Web.Components.Pages.Admin;

/// <summary>The resource form as typed. A shape left empty is placed on a free spot of the floor by the service.</summary>
public sealed class ResourceModel
{
    public Guid? FloorId { get; set; }
    public ResourceKind Kind { get; set; } = ResourceKind.Room;
    public string? Name { get; set; }
    public int Capacity { get; set; } = 4;
    public string? Features { get; set; }
    public double? X { get; set; }
    public double? Y { get; set; }
    public double? Width { get; set; }
    public double? Height { get; set; }
    public string? Polygon { get; set; }
    public int BufferBeforeMinutes { get; set; }
    public int BufferAfterMinutes { get; set; }
    public int MinDurationMinutes { get; set; } = 15;
    public int MaxDurationMinutes { get; set; } = 600;
    public int HorizonDays { get; set; } = 90;
    public bool RequiresApproval { get; set; }
    public bool RequiresCheckIn { get; set; }

    public static ResourceModel Of(ResourceView r) => new()
    {
        FloorId = r.FloorId,
        Kind = r.Kind,
        Name = r.Name,
        Capacity = r.Capacity,
        Features = string.Join(", ", r.Features),
        X = r.Shape.IsPolygon ? null : r.Shape.X,
        Y = r.Shape.IsPolygon ? null : r.Shape.Y,
        Width = r.Shape.IsPolygon ? null : r.Shape.Width,
        Height = r.Shape.IsPolygon ? null : r.Shape.Height,
        Polygon = r.Shape.IsPolygon ? string.Join(" ", r.Shape.Points!.Select(p => Invariant($"{p.X},{p.Y}"))) : null,
        BufferBeforeMinutes = r.BufferBeforeMinutes,
        BufferAfterMinutes = r.BufferAfterMinutes,
        MinDurationMinutes = r.MinDurationMinutes,
        MaxDurationMinutes = r.MaxDurationMinutes,
        HorizonDays = r.HorizonDays,
        RequiresApproval = r.RequiresApproval,
        RequiresCheckIn = r.RequiresCheckIn,
    };

    public static IReadOnlyList<string> SplitFeatures(string? text) =>
        (text ?? string.Empty).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The definition to save, or a message for a shape that is only half typed.</summary>
    public (ResourceDefinition? Definition, IReadOnlyDictionary<string, string[]> Errors) ToDefinition(Guid locationId)
    {
        FloorplanShape? shape = null;
        if (!string.IsNullOrWhiteSpace(Polygon))
        {
            var points = Polygon.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ParsePoint).ToList();
            if (points.Count < 3 || points.Any(p => p is null))
            {
                return (null, Error("shape", "List at least three corners as x,y separated by spaces, e.g. 0,0 40,0 40,30."));
            }

            var corners = points.Select(p => p!).ToList();
            var (left, top) = (corners.Min(p => p.X), corners.Min(p => p.Y));
            shape = new FloorplanShape(left, top, corners.Max(p => p.X) - left, corners.Max(p => p.Y) - top, corners);
        }
        else if (X is not null || Y is not null || Width is not null || Height is not null)
        {
            if (X is null || Y is null || Width is null || Height is null)
            {
                return (null, Error("shape", "Give x, y, width and height, or leave all four empty to place it automatically."));
            }

            shape = FloorplanShape.Rectangle(X.Value, Y.Value, Width.Value, Height.Value);
        }

        return (new ResourceDefinition(locationId, FloorId, Kind, Name, Capacity, SplitFeatures(Features), shape, BufferBeforeMinutes,
            BufferAfterMinutes, MinDurationMinutes, MaxDurationMinutes, HorizonDays, RequiresApproval, RequiresCheckIn), new Dictionary<string, string[]>());
    }

    private static PlanPoint? ParsePoint(string text)
    {
        var parts = text.Split(',');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? new PlanPoint(x, y)
            : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string[]> Error(string field, string message) => new() { [field] = [message] };
}
