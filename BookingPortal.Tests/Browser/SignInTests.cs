using BookingPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture browser, AppServerWithDatabase app) : IClassFixture<AppServerWithDatabase>
{
    private const string Email = "sam@signin.test";
    private const string Password = "Sign!In2026pass";
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 30_000 };

    private async Task EnsureUserAsync()
    {
        using var scope = app.Server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(Email) is null)
        {
            var result = await users.CreateAsync(new ApplicationUser { UserName = Email, Email = Email, EmailConfirmed = true }, Password);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    [Fact]
    public async Task Staff_sign_in_with_the_cookie_and_sign_out_again()
    {
        await EnsureUserAsync();
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;

        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", Email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");

        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(Email, Slow);
        Assert.Contains(await scope.Page.Context.CookiesAsync(), c => c.Name.Contains("Identity.Application", StringComparison.Ordinal) && c.HttpOnly);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByTestId("sign-in-link")).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        await EnsureUserAsync();
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;

        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", Email);
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("button[type=submit]");

        await Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("do not match", new() { Timeout = 30_000 });
        Assert.Empty(await page.GetByTestId("signed-in-as").AllAsync());
    }

    [Fact]
    public async Task An_empty_form_shows_inline_messages()
    {
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;

        await page.GotoAsync("/account/login");
        await page.ClickAsync("button[type=submit]");

        await Expect(page.Locator(".validation-message").First).ToContainTextAsync("Enter your", new() { Timeout = 30_000 });
    }
}
