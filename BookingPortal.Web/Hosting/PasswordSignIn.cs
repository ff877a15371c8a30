using BookingPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// Password sign-in that tells a guesser nothing: an unknown email costs the same hashing as a known one, and a wrong
/// password and a locked account get the same answer, so neither the text nor the timing says which emails exist.
/// </summary>
public static class PasswordSignIn
{
    /// <summary>What the person reads when sign-in fails, whatever the reason.</summary>
    public const string Refused =
        "The email and password do not match an account, or too many failed attempts have locked it for 15 minutes.";

    private static readonly ApplicationUser Decoy = new() { UserName = "decoy@bookingportal.invalid" };
    private static string? _decoyHash;

    public static async Task<SignInResult> SignInWithPasswordAsync(this SignInManager<ApplicationUser> signIn, string email, string password,
        bool persistent)
    {
        var user = await signIn.UserManager.FindByNameAsync(email);
        if (user is null)
        {
            var hasher = signIn.UserManager.PasswordHasher;
            hasher.VerifyHashedPassword(Decoy, _decoyHash ??= hasher.HashPassword(Decoy, Guid.NewGuid().ToString()), password);
            return SignInResult.Failed;
        }

        return await signIn.PasswordSignInAsync(user, password, persistent, lockoutOnFailure: true);
    }
}
