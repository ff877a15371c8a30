namespace BookingPortal.Domain.Common;

[Flags]
public enum Roles
{
    None = 0,
    Staff = 1,
    Operator = 2,
    Admin = 4,
}

/// <summary>Who is acting: recorded in history and used for ownership rules.</summary>
public sealed record Actor(string UserId, string Email, Roles Roles)
{
    /// <summary>Scheduled work acts as the system; it is neither an owner nor a person.</summary>
    public static Actor System { get; } = new("system", "system", Roles.Admin);

    /// <summary>
    /// Where an operator may act on other people's bookings. An operator assigned nowhere acts nowhere, only as staff
    /// on their own bookings (ADR 007).
    /// </summary>
    public IReadOnlyCollection<Guid> OperatorLocations { get; init; } = [];

    public bool IsAdmin => Roles.HasFlag(Roles.Admin);

    /// <summary>Whether this actor may check in, cancel and audit anyone's bookings at the location: its operators and every admin.</summary>
    public bool OperatesAt(Guid locationId) => IsAdmin || (Roles.HasFlag(Roles.Operator) && OperatorLocations.Contains(locationId));
}
