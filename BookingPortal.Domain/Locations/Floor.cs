using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Locations;

public sealed class Floor
{
    private Floor()
    {
        Name = string.Empty;
    }

    public Floor(Guid id, Guid locationId, string name, int sortOrder, double planWidth, double planHeight)
    {
        Id = id;
        LocationId = locationId;
        Name = RequireName(name);
        SortOrder = sortOrder;
        Resize(planWidth, planHeight);
    }

    public Guid Id { get; private set; }
    public Guid LocationId { get; private set; }
    public string Name { get; private set; }
    public int SortOrder { get; private set; }
    public double PlanWidth { get; private set; }
    public double PlanHeight { get; private set; }
    public string? BackgroundImageUrl { get; private set; }

    public void Rename(string name) => Name = RequireName(name);

    /// <summary>Where the floor comes in its location's list (lower first), e.g. basement -1, ground 0.</summary>
    public void Reorder(int sortOrder) => SortOrder = sortOrder;

    public void Resize(double planWidth, double planHeight)
    {
        if (planWidth <= 0 || planHeight <= 0)
        {
            throw new DomainException("A floor plan needs a positive width and height.");
        }

        PlanWidth = planWidth;
        PlanHeight = planHeight;
    }

    public void SetBackgroundImage(string? url) => BackgroundImageUrl = string.IsNullOrWhiteSpace(url) ? null : url;

    private static string RequireName(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new DomainException("A floor needs a name.") : name.Trim();
}
