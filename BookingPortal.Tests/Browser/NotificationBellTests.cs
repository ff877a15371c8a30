using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>Someone else changing your booking reaches you at once: the bell counts it and a toast says what happened.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NotificationBellTests(BrowserFixture browser, AppServerWithDatabase app) : IClassFixture<AppServerWithDatabase>
{
    private const string Email = "nora@bell.test";
    private const string Password = "Bell!Ringer2026";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_cancellation_by_an_admin_rings_the_owners_bell_and_shows_a_toast()
    {
        var owner = await EnsureUserAsync();
        var booking = await BookTomorrowAsync(owner);
        await using var scope = await browser.NewPageAsync(app.Server.BaseAddress);
        var page = scope.Page;
        await page.GotoAsync("/account/login?returnUrl=%2Fnotifications");
        // A click while the page's scripts still start up was lost once on a busy machine; start from a settled page.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.FillAsync("#email", Email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/notifications", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("no-notifications")).ToBeVisibleAsync(Patient);
        // The bell listens once the circuit is up; a change before that shows in the count but rings no toast.
        await Expect(page.Locator("[data-testid=notification-bell][data-live=true]")).ToBeVisibleAsync(Patient);
        Assert.Empty(await page.GetByTestId("notification-count").AllAsync());

        var engine = app.Server.Services.GetRequiredService<BookingEngine>();
        Assert.IsType<BookingResult.Success>(await engine.CancelAsync(booking.Id, TestData.Admin, "Room needed for the board"));

        await Expect(page.GetByTestId("notification-count")).ToHaveTextAsync("1", new() { Timeout = 5_000 });
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("cancel", new() { Timeout = 5_000, IgnoreCase = true });
        await Expect(page.GetByTestId("notification")).ToContainTextAsync("Room needed for the board");

        await page.GetByTestId("mark-all-read").ClickAsync();
        await Expect(page.GetByTestId("notification").Locator(".rz-badge")).ToHaveCountAsync(0);
    }

    private async Task<Actor> EnsureUserAsync()
    {
        using var scope = app.Server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(Email);
        if (user is null)
        {
            user = new ApplicationUser { UserName = Email, Email = Email, EmailConfirmed = true };
            var created = await users.CreateAsync(user, Password);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        return new Actor(user.Id, Email, Roles.Staff);
    }

    private async Task<BookingSnapshot> BookTomorrowAsync(Actor owner)
    {
        var venue = new VenueBuilder().OpenAllDay();
        venue.Room("Bell room");
        var built = venue.Build();
        var contexts = app.Server.Services.GetRequiredService<IDbContextFactory<BookingDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Locations.Add(built.Location);
            db.Floors.AddRange(built.Floors);
            db.Resources.AddRange(built.Resources.Values);
            await db.SaveChangesAsync();
        }

        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        var slot = built.At(tomorrow, "10:00", "11:00");
        var engine = app.Server.Services.GetRequiredService<BookingEngine>();
        var result = await engine.CreateAsync(new CreateBookingCommand([built["Bell room"].Id], slot.Start, slot.End, "Quarterly review", 2), owner);
        return Assert.IsType<BookingResult.Success>(result).Booking;
    }
}
