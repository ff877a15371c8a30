using BookingPortal.Domain.Resources;

namespace BookingPortal.Infrastructure.Catalog;

/// <summary>
/// Where new resources go on a floor plan until someone arranges them: the cells of a regular grid, row by row, that
/// no existing shape touches. Rooms get a coarser grid than desks, parking spaces and equipment.
/// </summary>
internal static class FloorGrid
{
    private const double Margin = 0.1;

    public static IReadOnlyList<FloorplanShape> FreeCells(double planWidth, double planHeight, IReadOnlyCollection<FloorplanShape> taken,
        ResourceKind kind, int count)
    {
        var (columns, rows) = kind == ResourceKind.Room ? (8, 5) : (20, 12);
        var cellWidth = planWidth / columns;
        var cellHeight = planHeight / rows;
        var cells = new List<FloorplanShape>(columns * rows);
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                cells.Add(FloorplanShape.Rectangle(
                    Math.Round((column + Margin) * cellWidth, 2),
                    Math.Round((row + Margin) * cellHeight, 2),
                    Math.Round((1 - 2 * Margin) * cellWidth, 2),
                    Math.Round((1 - 2 * Margin) * cellHeight, 2)));
            }
        }

        var boxes = taken.Select(Bounds).ToList();
        var free = cells.Where(cell => !boxes.Any(box => Intersects(Bounds(cell), box))).ToList();
        // A full floor still gets every resource a shape: the rest start on top of others, to be moved in the editor.
        return Enumerable.Range(0, count).Select(i => i < free.Count ? free[i] : cells[(i - free.Count) % cells.Count]).ToList();
    }

    private static (double Left, double Top, double Right, double Bottom) Bounds(FloorplanShape shape) => shape.IsPolygon
        ? (shape.Points!.Min(p => p.X), shape.Points!.Min(p => p.Y), shape.Points!.Max(p => p.X), shape.Points!.Max(p => p.Y))
        : (shape.X, shape.Y, shape.X + shape.Width, shape.Y + shape.Height);

    private static bool Intersects((double Left, double Top, double Right, double Bottom) a, (double Left, double Top, double Right, double Bottom) b) =>
        a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;
}
