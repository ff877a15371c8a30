using System.Net;
using System.Net.Sockets;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Displays;
using Microsoft.Extensions.DependencyInjection;
using static BookingPortal.Tests.Browser.TwoInstances;
using static Microsoft.Playwright.Assertions;

namespace BookingPortal.Tests.Browser;

/// <summary>
/// Screens and streams survive a database restart and an app restart with nobody touching them. The database here
/// is a cluster of its own, so restarting it leaves the rest of the test run alone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveRecoveryTests(BrowserFixture browser, TwoInstancesOwnCluster apps) : IClassFixture<TwoInstancesOwnCluster>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_a_PostgreSQL_restart_the_listeners_reconnect_and_changes_flow_again()
    {
        await using var scope = await browser.NewPageAsync(apps.B.BaseAddress);
        var page = scope.Page;
        await SignInAsync(page, Olga, "/floorplan");
        await InteractiveAsync(page, "floorplan-page");
        await using var stream = await SseClient.OpenAsync(await apps.ApiAsync(apps.B, Olga), "/api/events");

        await apps.Cluster.RestartAsync();

        await stream.NextAsync(e => e.Name == "resync", Patience);
        await WaitUntilAsync(() => apps.A.Listener.IsListening && apps.B.Listener.IsListening);
        // A pooled connection that died with the server fails its first command; a client would simply retry.
        var id = await RetryAsync(() => apps.BookAsync(apps.A, "Borealis", "09:50", "10:40", "After the restart"));

        Assert.Equal(id, (await stream.NextAsync(e => e.Name == "booking.created", Patience)).Id);
        await Expect(Room(page, "Borealis")).ToHaveAttributeAsync("data-state", "Occupied", new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task A_wall_display_recovers_by_itself_after_its_app_instance_restarts()
    {
        var created = Assert.IsType<AdminResult<CreatedDisplayLink>.Ok>(await apps.A.Services.GetRequiredService<DisplayLinks>()
            .CreateAsync("Reception", apps.Venue.Location.Id, null, null, Ada)).Value;
        var port = FreePort();
        var instance = new ClockedAppServer(apps.ConnectionString, apps.Clock, port);
        instance.Start();
        await using var scope = await browser.NewPageAsync(instance.BaseAddress);
        var page = scope.Page;
        await page.GotoAsync($"/display/link/{created.Token}");
        await InteractiveAsync(page, "wall-display");
        await page.EvaluateAsync("() => window.beforeRestart = true");

        instance.Dispose();
        await RetryAsync(() => apps.BookAsync(apps.A, "Iris", "09:50", "10:30", "While it was down"));
        using var restarted = new ClockedAppServer(apps.ConnectionString, apps.Clock, port);
        restarted.Start();

        // circuit.js finds the old circuit gone and reloads the page once the server answers again.
        await page.WaitForFunctionAsync("() => window.beforeRestart === undefined", null, new() { Timeout = (float)Patience.TotalMilliseconds });
        await InteractiveAsync(page, "wall-display");
        await Expect(Room(page, "Iris")).ToHaveAttributeAsync("data-state", "Occupied");

        await apps.BookAsync(apps.A, "Juniper", "09:50", "10:30", "After it came back");
        await Expect(Room(page, "Juniper")).ToHaveAttributeAsync("data-state", "Occupied", new() { Timeout = 15_000 });
    }

    /// <summary>
    /// What a person sees when the instance holding their circuit dies and the load balancer sends them to another:
    /// the new one does not know the circuit, so circuit.js reloads the page, and the shared key ring keeps them signed in.
    /// </summary>
    [Fact]
    public async Task An_open_page_reloads_by_itself_on_another_instance_and_stays_signed_in()
    {
        var port = FreePort();
        var instance = new ClockedAppServer(apps.ConnectionString, apps.Clock, port);
        instance.Start();
        await using var scope = await browser.NewPageAsync(instance.BaseAddress);
        var page = scope.Page;
        await SignInAsync(page, Olga, "/floorplan");
        await InteractiveAsync(page, "floorplan-page");
        await page.EvaluateAsync("() => window.beforeRestart = true");

        instance.Dispose();
        using var successor = new ClockedAppServer(apps.ConnectionString, apps.Clock, port);
        successor.Start();

        await page.WaitForFunctionAsync("() => window.beforeRestart === undefined", null, new() { Timeout = (float)Patience.TotalMilliseconds });
        await InteractiveAsync(page, "floorplan-page");
        Assert.EndsWith("/floorplan", new Uri(page.Url).AbsolutePath);
        await apps.BookAsync(apps.A, "Kestrel", "09:50", "10:40", "Seen after the move");
        await Expect(Room(page, "Kestrel")).ToHaveAttributeAsync("data-state", "Occupied", new() { Timeout = 15_000 });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception) when (attempt < 10)
            {
                await Task.Delay(500);
            }
        }
    }
}
