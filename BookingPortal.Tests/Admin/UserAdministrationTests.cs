using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Tests.Browser;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Admin;

/// <summary>Against the app's own Identity set-up (password rules, lockout), over a database that starts without roles.</summary>
public class UserAdministrationTests(AppServerWithDatabase app) : IClassFixture<AppServerWithDatabase>
{
    private UserAdministration Users => app.Server.Services.GetRequiredService<UserAdministration>();

    private static string Email() => $"u{Guid.NewGuid():N}"[..13] + "@users.test";

    private async Task<UserView> CreateAsync(string email, params string[] roles) =>
        Assert.IsType<AdminResult<IssuedPassword>.Ok>(await Users.CreateAsync(new NewUser(email, null, roles, "Chosen!Password1"))).Value.User;

    private async Task<(bool PasswordWorks, bool LockedOut)> SignInAsync(string email, string password)
    {
        using var scope = app.Server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        return (await users.CheckPasswordAsync(user!, password), await users.IsLockedOutAsync(user!));
    }

    private static Actor AdminActor(UserView user) => new(user.Id, user.Email, Roles.Admin | Roles.Staff);

    [Fact]
    public async Task An_admin_cannot_remove_their_own_admin_role_but_another_admin_can()
    {
        var ada = await CreateAsync(Email(), RoleNames.Admin, RoleNames.Staff);
        var bea = await CreateAsync(Email(), RoleNames.Admin);

        var refused = Assert.IsType<AdminResult<UserView>.Invalid>(await Users.UpdateAsync(ada.Id, new UserChanges("Ada", [RoleNames.Staff]), AdminActor(ada)));
        Assert.Contains("cannot remove your own admin role", refused.Errors["roles"][0]);
        Assert.IsType<AdminResult<UserView>.Invalid>(await Users.UpdateAsync(ada.Id, new UserChanges("Ada", null), AdminActor(ada)));
        Assert.Equal([RoleNames.Staff, RoleNames.Admin], (await Users.SearchAsync(ada.Email)).Items.Single().Roles);

        var demoted = Assert.IsType<AdminResult<UserView>.Ok>(await Users.UpdateAsync(ada.Id, new UserChanges("Ada Lovelace", [RoleNames.Staff, RoleNames.Operator]), AdminActor(bea))).Value;
        Assert.Equal([RoleNames.Staff, RoleNames.Operator], demoted.Roles);
        Assert.Equal("Ada Lovelace", demoted.DisplayName);
    }

    [Fact]
    public async Task An_operator_is_given_locations_and_loses_them_with_the_role()
    {
        var admin = await CreateAsync(Email(), RoleNames.Admin);
        var olga = await CreateAsync(Email(), RoleNames.Staff);
        var locations = app.Server.Services.GetRequiredService<LocationAdministration>();
        var harbour = Assert.IsType<AdminResult<LocationView>.Ok>(await locations.CreateAsync(
            new LocationDefinition($"Harbour {Guid.NewGuid():N}", "Europe/Lisbon"))).Value;
        var assignments = app.Server.Services.GetRequiredService<OperatorAssignments>();

        Assert.IsType<AdminResult<UserView>.Ok>(await Users.UpdateAsync(olga.Id,
            new UserChanges(null, [RoleNames.Staff, RoleNames.Operator], [harbour.Id]), AdminActor(admin)));
        Assert.Equal([harbour.Id], await assignments.GetAsync(olga.Id));

        var unknown = Assert.IsType<AdminResult<UserView>.Invalid>(await Users.UpdateAsync(olga.Id,
            new UserChanges(null, [RoleNames.Operator], [Guid.NewGuid()]), AdminActor(admin)));
        Assert.Contains("locationIds", unknown.Errors.Keys);

        Assert.IsType<AdminResult<UserView>.Ok>(await Users.UpdateAsync(olga.Id, new UserChanges(null, [RoleNames.Staff]), AdminActor(admin)));
        Assert.Empty(await assignments.GetAsync(olga.Id));
    }

    [Fact]
    public async Task A_generated_password_meets_the_rules_signs_in_and_is_only_returned_once()
    {
        var email = Email();

        var issued = Assert.IsType<AdminResult<IssuedPassword>.Ok>(await Users.CreateAsync(new NewUser($" {email} ", "Nova", [RoleNames.Staff]))).Value;

        Assert.NotNull(issued.GeneratedPassword);
        Assert.True(issued.GeneratedPassword.Length >= 16);
        Assert.Equal((true, false), await SignInAsync(email, issued.GeneratedPassword));
        Assert.Equal([RoleNames.Staff], issued.User.Roles);
        Assert.Equal("Nova", issued.User.DisplayName);
        Assert.Null(Assert.IsType<AdminResult<IssuedPassword>.Ok>(await Users.CreateAsync(new NewUser(Email(), null, [], "Chosen!Password1"))).Value.GeneratedPassword);
    }

    [Fact]
    public async Task Bad_input_is_refused_per_field_with_identity_s_own_password_rules()
    {
        var taken = await CreateAsync(Email(), RoleNames.Staff);

        Assert.Contains("already exists", Assert.IsType<AdminResult<IssuedPassword>.Invalid>(
            await Users.CreateAsync(new NewUser(taken.Email.ToUpperInvariant(), null, [RoleNames.Staff]))).Errors["email"][0]);
        var errors = Assert.IsType<AdminResult<IssuedPassword>.Invalid>(await Users.CreateAsync(new NewUser("not-an-email", null, ["Wizard"]))).Errors;
        Assert.Equal(["email", "roles"], errors.Keys.Order());
        var weak = Assert.IsType<AdminResult<IssuedPassword>.Invalid>(await Users.CreateAsync(new NewUser(Email(), null, [RoleNames.Staff], "short"))).Errors;
        Assert.Contains(weak["password"], m => m.Contains("at least 10 characters"));
    }

    [Fact]
    public async Task A_locked_user_cannot_sign_in_until_unlocked_and_nobody_locks_themselves()
    {
        var admin = await CreateAsync(Email(), RoleNames.Admin);
        var user = await CreateAsync(Email(), RoleNames.Staff);

        Assert.True(Assert.IsType<AdminResult<UserView>.Ok>(await Users.LockAsync(user.Id, AdminActor(admin))).Value.IsLockedOut);
        Assert.Equal((true, true), await SignInAsync(user.Email, "Chosen!Password1"));
        Assert.False(Assert.IsType<AdminResult<UserView>.Ok>(await Users.UnlockAsync(user.Id)).Value.IsLockedOut);
        Assert.Equal((true, false), await SignInAsync(user.Email, "Chosen!Password1"));

        Assert.Contains("your own account", Assert.IsType<AdminResult<UserView>.Invalid>(await Users.LockAsync(admin.Id, AdminActor(admin))).Errors["lock"][0]);
        Assert.IsType<AdminResult<UserView>.NotFound>(await Users.LockAsync("nobody", AdminActor(admin)));
    }

    [Fact]
    public async Task A_reset_replaces_the_password()
    {
        var user = await CreateAsync(Email(), RoleNames.Staff);

        var reset = Assert.IsType<AdminResult<IssuedPassword>.Ok>(await Users.ResetPasswordAsync(user.Id, null)).Value;

        Assert.Equal((true, false), await SignInAsync(user.Email, reset.GeneratedPassword!));
        Assert.False((await SignInAsync(user.Email, "Chosen!Password1")).PasswordWorks);
    }

    [Fact]
    public async Task Search_matches_email_or_name_and_pages()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        foreach (var i in Enumerable.Range(1, 3))
        {
            Assert.IsType<AdminResult<IssuedPassword>.Ok>(await Users.CreateAsync(new NewUser(Email(), $"Team {marker} {i}", [RoleNames.Staff])));
        }

        var page = await Users.SearchAsync(marker.ToUpperInvariant(), skip: 1, take: 1);

        Assert.Equal(3, page.Total);
        Assert.StartsWith($"Team {marker}", Assert.Single(page.Items).DisplayName);
        Assert.Equal(0, (await Users.SearchAsync("%")).Total);
    }

    [Fact]
    public void Generated_passwords_hold_every_character_class_and_differ()
    {
        var rules = new PasswordOptions { RequiredLength = 20 };

        var passwords = Enumerable.Range(0, 50).Select(_ => UserAdministration.GeneratePassword(rules)).ToList();

        Assert.All(passwords, p =>
        {
            Assert.Equal(20, p.Length);
            Assert.Contains(p, char.IsUpper);
            Assert.Contains(p, char.IsLower);
            Assert.Contains(p, char.IsDigit);
            Assert.Contains(p, c => !char.IsLetterOrDigit(c));
        });
        Assert.Equal(50, passwords.Distinct().Count());
    }
}
