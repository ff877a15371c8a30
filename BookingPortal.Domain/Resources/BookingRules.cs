using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Resources;

/// <summary>How a resource may be booked.</summary>
public sealed record BookingRules
{
    public static BookingRules Default { get; } = new();

    public TimeSpan BufferBefore { get; init; } = TimeSpan.Zero;
    public TimeSpan BufferAfter { get; init; } = TimeSpan.Zero;
    public TimeSpan MinDuration { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromHours(10);
    public TimeSpan Horizon { get; init; } = TimeSpan.FromDays(90);
    public bool RequiresApproval { get; init; }
    public bool RequiresCheckIn { get; init; }

    public void EnsureValid()
    {
        if (BufferBefore < TimeSpan.Zero || BufferAfter < TimeSpan.Zero || BufferBefore > TimeSpan.FromHours(4) || BufferAfter > TimeSpan.FromHours(4))
        {
            throw new DomainException("Buffers must be between 0 and 240 minutes.");
        }

        if (MinDuration <= TimeSpan.Zero || MaxDuration < MinDuration)
        {
            throw new DomainException("The minimum duration must be positive and not above the maximum.");
        }

        if (Horizon <= TimeSpan.Zero)
        {
            throw new DomainException("The booking horizon must be positive.");
        }
    }
}
