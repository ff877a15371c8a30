using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Resources;

public sealed class Resource : AggregateRoot
{
    private List<string> _features = [];

    private Resource()
    {
        Name = string.Empty;
        Shape = FloorplanShape.Rectangle(0, 0, 1, 1);
        Rules = BookingRules.Default;
    }

    public Resource(Guid id, Guid locationId, Guid floorId, ResourceKind kind, string name, int capacity,
        IEnumerable<string> features, FloorplanShape shape, BookingRules rules)
    {
        Id = id;
        LocationId = locationId;
        FloorId = floorId;
        Kind = kind;
        Name = RequireName(name);
        Capacity = RequireCapacity(capacity);
        _features = NormalizeFeatures(features);
        Shape = shape;
        rules.EnsureValid();
        Rules = rules;
        IsActive = true;
    }

    public Guid Id { get; private set; }
    public Guid LocationId { get; private set; }
    public Guid FloorId { get; private set; }
    public ResourceKind Kind { get; private set; }
    public string Name { get; private set; }
    public int Capacity { get; private set; }
    public IReadOnlyList<string> Features => _features.AsReadOnly();
    public FloorplanShape Shape { get; private set; }
    public BookingRules Rules { get; private set; }
    public bool IsActive { get; private set; }

    public TimeRange BlockedRangeFor(TimeRange booked) => booked.Widen(Rules.BufferBefore, Rules.BufferAfter);

    public bool HasFeatures(IEnumerable<string> required) =>
        required.All(f => _features.Contains(f.Trim().ToLowerInvariant()));

    public void Describe(string name, int capacity, IEnumerable<string> features)
    {
        Name = RequireName(name);
        Capacity = RequireCapacity(capacity);
        _features = NormalizeFeatures(features);
    }

    /// <summary>A room turned into a desk area and the like; bookings keep their history.</summary>
    public void Reclassify(ResourceKind kind) => Kind = kind;

    public void PlaceOnFloor(Guid floorId, FloorplanShape shape)
    {
        FloorId = floorId;
        Shape = shape;
    }

    public void ChangeRules(BookingRules rules)
    {
        rules.EnsureValid();
        Rules = rules;
    }

    /// <summary>Deactivation keeps the resource and its history; it only stops new bookings.</summary>
    public void Deactivate() => IsActive = false;

    public void Activate() => IsActive = true;

    private static string RequireName(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new DomainException("A resource needs a name.") : name.Trim();

    private static int RequireCapacity(int capacity) =>
        capacity is < 1 or > 10_000 ? throw new DomainException("Capacity must be between 1 and 10000.") : capacity;

    private static List<string> NormalizeFeatures(IEnumerable<string> features) =>
        features.Select(f => f.Trim().ToLowerInvariant()).Where(f => f.Length > 0).Distinct().Order().ToList();
}
