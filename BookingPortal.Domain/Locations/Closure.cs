namespace BookingPortal.Domain.Locations;

/// <summary>Whole local days (inclusive) on which the location is closed, e.g. public holidays.</summary>
public sealed record Closure(DateOnly From, DateOnly To, string Reason)
{
    public bool Covers(DateOnly day) => From <= day && day <= To;
}
