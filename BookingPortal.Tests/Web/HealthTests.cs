using System.Net;
using BookingPortal.Tests.Browser;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BookingPortal.Tests.Web;

public sealed class HealthTests(AppServerWithoutDatabase app) : IClassFixture<AppServerWithoutDatabase>
{
    [Fact]
    public async Task Live_is_healthy_without_a_database()
    {
        using var client = app.Server.CreateClient();

        using var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_is_503_when_the_database_is_unreachable()
    {
        using var client = app.Server.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_fixture_connection_string_reaches_the_app()
    {
        // Guards the fixture itself: settings applied by the factory must win over the app's fallback.
        var dataSource = app.Server.Services.GetRequiredService<NpgsqlDataSource>();

        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.Equal("x", builder.Database);
        Assert.Equal(1, builder.Port);
    }
}
