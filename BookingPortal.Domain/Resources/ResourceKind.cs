namespace BookingPortal.Domain.Resources;

public enum ResourceKind
{
    Room,
    Desk,
    Equipment,
    Parking,
}
