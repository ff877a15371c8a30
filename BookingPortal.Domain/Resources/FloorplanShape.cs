namespace BookingPortal.Domain.Resources;

public sealed record PlanPoint(double X, double Y);

/// <summary>Where a resource sits on its floor's plan, in plan units: a rectangle, or a polygon when Points is set.</summary>
public sealed record FloorplanShape(double X, double Y, double Width, double Height, IReadOnlyList<PlanPoint>? Points = null)
{
    public static FloorplanShape Rectangle(double x, double y, double width, double height) => new(x, y, width, height);

    public bool IsPolygon => Points is { Count: >= 3 };
}
