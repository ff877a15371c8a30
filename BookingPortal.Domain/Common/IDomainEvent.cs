namespace BookingPortal.Domain.Common;

public interface IDomainEvent
{
    DateTimeOffset OccurredAt { get; }
}
