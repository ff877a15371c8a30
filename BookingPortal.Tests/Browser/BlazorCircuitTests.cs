using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class BlazorCircuitTests(BrowserFixture browser, StaffSite site) : IClassFixture<StaffSite>
{
    // Generous: the first circuit of a run pays for JIT and Razor component discovery.
    private static readonly float Timeout = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;

    [Fact]
    public async Task Blazor_script_is_served()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);

        var response = await scope.Page.APIRequest.GetAsync("/_framework/blazor.web.js");

        Assert.Equal(200, response.Status);
        Assert.Contains("javascript", response.Headers["content-type"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Blazor", await response.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_a_value_on_the_start_page_round_trips_through_the_circuit()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        // Catches assets the page asks for but the host fails to serve, e.g. Radzen's _content files.
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                errors.Add($"{response.Status} {response.Url}");
            }
        };
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);

        var script = page.WaitForResponseAsync(r => r.Url.Contains("/_framework/blazor.web", StringComparison.Ordinal));
        await page.GotoAsync("/");
        // The SDK fingerprints the script and marks it immutable, so a revalidated copy (304) is as good as a fresh one.
        Assert.Contains((await script).Status, new[] { 200, 304 });
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();

        // Prerendered controls are inert until the circuit is up; the page flags the switch to interactive.
        await Expect(page.GetByTestId("home")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Timeout });
        var people = page.GetByLabel("People");
        await Expect(people).ToHaveValueAsync("1");

        await people.PressAsync("ArrowUp");

        await Expect(people).ToHaveValueAsync("2", new() { Timeout = Timeout });
        // The server recomputed the free rooms for the new value.
        await Expect(page.GetByTestId("quick-summary")).ToContainTextAsync("for 2 people", new() { Timeout = Timeout });
        await Expect(page.Locator("#circuit-banner")).ToBeHiddenAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_dropped_connection_shows_the_banner_and_reconnects_to_the_same_circuit()
    {
        await using var scope = await browser.NewPageAsync(site.Server.BaseAddress);
        var page = scope.Page;
        await StaffBrowser.SignInAsync(page, StaffSite.Staff, StaffSite.Password);
        await StaffBrowser.OpenAsync(page, "/", "home");
        var people = page.GetByLabel("People");
        var summary = page.GetByTestId("quick-summary");
        await people.PressAsync("ArrowUp");
        await Expect(summary).ToContainTextAsync("for 2 people", new() { Timeout = Timeout });

        // The script's own hook for closing the SignalR connection, as a network drop would; the circuit stays on
        // the server, so circuit.js must bring the page back to it without a reload.
        await page.EvaluateAsync("() => Blazor._internal.forceCloseConnection()");

        var banner = page.Locator("#circuit-banner");
        await Expect(banner).ToContainTextAsync("Reconnecting", new() { Timeout = Timeout });
        await Expect(banner).ToBeHiddenAsync(new() { Timeout = Timeout });
        // A new circuit would have started again from one person; the same circuit counts on from two.
        await people.PressAsync("ArrowUp");
        await Expect(summary).ToContainTextAsync("for 3 people", new() { Timeout = Timeout });
    }
}
