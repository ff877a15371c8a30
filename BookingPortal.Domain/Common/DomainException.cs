namespace BookingPortal.Domain.Common;

/// <summary>A broken domain invariant: a programming or state error, never an expected user outcome.</summary>
public class DomainException(string message) : Exception(message);
