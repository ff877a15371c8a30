using BookingPortal.Domain.Common;

namespace BookingPortal.Infrastructure.Identity;

public static class RoleNames
{
    public const string Staff = nameof(Roles.Staff);
    public const string Operator = nameof(Roles.Operator);
    public const string Admin = nameof(Roles.Admin);

    public static readonly IReadOnlyList<string> All = [Staff, Operator, Admin];
}
