using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Bookings;

/// <summary>Takes a resource out of service for a while; it blocks like a booking, through its own allocation.</summary>
public sealed class MaintenanceBlock : AggregateRoot
{
    private readonly List<Allocation> _allocations = [];

    private MaintenanceBlock()
    {
        Reason = string.Empty;
        CreatedBy = string.Empty;
    }

    public MaintenanceBlock(Guid id, Guid resourceId, TimeRange range, string reason, string createdBy, DateTimeOffset now)
    {
        Id = id;
        ResourceId = resourceId;
        Start = range.Start;
        End = range.End;
        Reason = string.IsNullOrWhiteSpace(reason) ? "Maintenance" : reason.Trim();
        CreatedBy = createdBy;
        CreatedAt = now;
        _allocations.Add(new Allocation(resourceId, range, holds: true, bookingId: null, maintenanceBlockId: id));
    }

    public Guid Id { get; private set; }
    public Guid ResourceId { get; private set; }
    public DateTimeOffset Start { get; private set; }
    public DateTimeOffset End { get; private set; }
    public string Reason { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public IReadOnlyCollection<Allocation> Allocations => _allocations.AsReadOnly();

    public TimeRange Range => new(Start, End);
}
