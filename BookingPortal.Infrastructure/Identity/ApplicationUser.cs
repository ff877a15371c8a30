using Microsoft.AspNetCore.Identity;

namespace BookingPortal.Infrastructure.Identity;

public sealed class ApplicationUser : IdentityUser
{
    public string? DisplayName { get; set; }
}
