namespace BookingPortal.Domain.Resources;

public sealed record PlanPoint(double X, double Y);

/// <summary>Where a resource sits on its floor's plan, in plan units: a rectangle, or a polygon when Points is set.</summary>
public sealed record FloorplanShape(double X, double Y, double Width, double Height, IReadOnlyList<PlanPoint>? Points = null)
{
    public static FloorplanShape Rectangle(double x, double y, double width, double height) => new(x, y, width, height);

    public bool IsPolygon => Points is { Count: >= 3 };

    /// <summary>No coordinate is infinite or NaN: such a shape could be neither drawn nor stored as JSON.</summary>
    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Width) && double.IsFinite(Height)
        && (Points ?? []).All(p => double.IsFinite(p.X) && double.IsFinite(p.Y));
}
