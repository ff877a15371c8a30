using BookingPortal.Domain.Common;
using BookingPortal.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;

namespace BookingPortal.Web.Components.Shared;

internal static class SignedIn
{
    /// <summary>The signed-in user as the engine knows them, built from the cookie principal as the API builds it from the token.</summary>
    public static async Task<Actor> ActorAsync(this Task<AuthenticationState> state) => (await state).User.ToActor();
}
