using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Bookings;

/// <summary>
/// One resource's claim on a range of time, owned by a booking or a maintenance block. The database refuses two
/// holding allocations of one resource whose blocked ranges overlap; that is what makes double booking impossible.
/// </summary>
public sealed class Allocation
{
    private Allocation()
    {
    }

    internal Allocation(Guid resourceId, TimeRange blocked, bool holds, Guid? bookingId, Guid? maintenanceBlockId)
    {
        Id = Guid.CreateVersion7();
        ResourceId = resourceId;
        BlockedStart = blocked.Start;
        BlockedEnd = blocked.End;
        Holds = holds;
        BookingId = bookingId;
        MaintenanceBlockId = maintenanceBlockId;
    }

    public Guid Id { get; private set; }
    public Guid ResourceId { get; private set; }
    public Guid? BookingId { get; private set; }
    public Guid? MaintenanceBlockId { get; private set; }
    public DateTimeOffset BlockedStart { get; private set; }
    public DateTimeOffset BlockedEnd { get; private set; }
    public bool Holds { get; private set; }

    public TimeRange Blocked => new(BlockedStart, BlockedEnd);

    internal void SetHolds(bool holds) => Holds = holds;

    internal void MoveTo(TimeRange blocked)
    {
        BlockedStart = blocked.Start;
        BlockedEnd = blocked.End;
    }
}
