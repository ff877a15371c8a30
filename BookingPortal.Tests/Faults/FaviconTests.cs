using System.Net;

namespace BookingPortal.Tests.Faults;

public sealed class FaviconTests(Browser.AppServerWithoutDatabase app) : IClassFixture<Browser.AppServerWithoutDatabase>
{
    [Fact]
    public async Task The_favicon_is_served_from_the_app_itself()
    {
        using var client = app.Server.CreateClient();

        using var response = await client.GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        // An ICO header: reserved 0, type 1 (icon), at least one image.
        Assert.True(bytes.Length > 6 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 1 && bytes[4] >= 1);
    }
}
