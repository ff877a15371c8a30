using System.Security.Claims;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Identity;

namespace BookingPortal.Web.Api;

internal static class ActorExtensions
{
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An authenticated user has no id.");
        var email = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? id;
        var roles = Roles.None;
        if (user.IsInRole(RoleNames.Staff))
        {
            roles |= Roles.Staff;
        }

        if (user.IsInRole(RoleNames.Operator))
        {
            roles |= Roles.Operator;
        }

        if (user.IsInRole(RoleNames.Admin))
        {
            roles |= Roles.Admin;
        }

        var locations = user.FindAll(OperatorAssignments.ClaimType)
            .Select(c => Guid.TryParse(c.Value, out var location) ? location : Guid.Empty)
            .Where(location => location != Guid.Empty)
            .ToHashSet();
        return new Actor(id, email, roles) { OperatorLocations = locations };
    }
}
