using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Tests.Browser;
using BookingPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace BookingPortal.Tests.Faults;

/// <summary>
/// A real unexpected failure: the app runs over a database that was never migrated, so signing in meets a missing
/// table (PostgreSQL 42P01) — not an outage, not a domain guard, just a 500.
/// </summary>
public sealed class ErrorDetailsTests
{
    [Fact]
    public async Task In_Production_a_500_is_a_generic_problem_with_a_trace_id_and_no_exception_details()
    {
        var (status, mediaType, body) = await SignInAsync("Production");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("application/problem+json", mediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("An unexpected error occurred", problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.False(problem.TryGetProperty("detail", out _), body);
        foreach (var leak in new[] { "Exception", "Npgsql", "42P01", "does not exist", " at ", "BookingPortal." })
        {
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task In_Development_the_same_500_says_what_failed()
    {
        var (status, _, body) = await SignInAsync("Development");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Contains("42P01", body, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string? MediaType, string Body)> SignInAsync(string environment)
    {
        using var app = new EnvironmentAppServer(await TestDatabase.CreateDatabaseAsync("unmigrated"), environment);
        app.Start();
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = "who@example.test", password = "Whatever1!" });
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private sealed class EnvironmentAppServer(string connectionString, string environment)
        : AppServer(connectionString, new Dictionary<string, string> { ["Database:MigrateOnStartup"] = "false", ["RateLimiting:Enabled"] = "false" })
    {
        protected override void ConfigureApp(IWebHostBuilder builder) => builder.UseEnvironment(environment);
    }
}
