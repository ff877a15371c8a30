using System.Security.Claims;
using BookingPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// Replaces the location claims a token or cookie was issued with by the operator's current assignments, so that
/// taking a location away from an operator applies to their very next request rather than when the token expires
/// (ADR 007). Only operators who are not admins pay for the lookup.
/// </summary>
internal sealed class OperatorLocationClaims(OperatorAssignments assignments) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (!principal.IsInRole(RoleNames.Operator) || principal.IsInRole(RoleNames.Admin)
            || principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            return principal;
        }

        var locations = await assignments.GetAsync(userId);
        var transformed = principal.Clone();
        foreach (var identity in transformed.Identities)
        {
            foreach (var stale in identity.FindAll(OperatorAssignments.ClaimType).ToList())
            {
                identity.RemoveClaim(stale);
            }
        }

        var target = transformed.Identities.First(i => i.IsAuthenticated);
        target.AddClaims(locations.Select(id => new Claim(OperatorAssignments.ClaimType, id.ToString())));
        return transformed;
    }
}
