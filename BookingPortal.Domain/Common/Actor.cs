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

    public bool IsAdmin => Roles.HasFlag(Roles.Admin);
    public bool IsOperator => Roles.HasFlag(Roles.Operator) || IsAdmin;
}
