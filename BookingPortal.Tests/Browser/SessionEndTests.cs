using System.Text.RegularExpressions;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>An open page of a user whose access ends follows within the check interval: it lands on the sign-in page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionEndTests(BrowserFixture browser, StaffSite site) : IClassFixture<StaffSite>
{
    [Fact]
    public async Task Locking_a_signed_in_user_takes_their_open_page_to_sign_in_and_the_cookie_no_longer_works()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Colleague, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/bookings", "my-bookings");

        using (var services = site.Server.Services.CreateScope())
        {
            var users = services.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var colleague = await users.FindByEmailAsync(StaffSite.Colleague);
            var admin = await users.FindByEmailAsync(StaffSite.Admin);
            var locked = await site.Server.Services.GetRequiredService<UserAdministration>()
                .LockAsync(colleague!.Id, new Actor(admin!.Id, StaffSite.Admin, Roles.Admin));
            Assert.IsType<AdminResult<UserView>.Ok>(locked);
        }

        // The site checks every two seconds (StaffSite's setting); the default is sixty.
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"), new() { Timeout = 20_000 });
        await page.GotoAsync("/bookings");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"), new() { Timeout = StaffBrowser.Slow });
    }
}
