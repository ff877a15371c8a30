using System.Text.Json;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace BookingPortal.Tests.Faults;

/// <summary>
/// The boundary mapping of domain guards, driven with the real exceptions the domain throws. No endpoint of today lets
/// input reach one past its own checks (the engine turns transitions into 409 itself, the admin services validate
/// first), so this is what stands between a future gap and a 500 with the exception type as its title.
/// </summary>
public sealed class DomainGuardAnswerTests
{
    [Fact]
    public async Task A_refused_state_transition_answers_409_with_the_domain_message()
    {
        var (status, problem) = await AnswerAsync(new InvalidBookingTransitionException(BookingStatus.Cancelled, BookingStatus.CheckedIn));

        Assert.Equal(409, status);
        Assert.Equal("A booking cannot go from Cancelled to CheckedIn.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_broken_domain_rule_answers_400_with_the_domain_message()
    {
        var (status, problem) = await AnswerAsync(Thrown(() => BookingRules.Default with { Horizon = TimeSpan.Zero }, rules => rules.EnsureValid()));

        Assert.Equal(400, status);
        Assert.Equal("The booking horizon must be positive.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_value_object_refusing_its_arguments_answers_400_naming_the_field()
    {
        var start = DateTimeOffset.UnixEpoch;
        var (status, problem) = await AnswerAsync(Thrown(() => start, s => _ = new TimeRange(s, s)));

        Assert.Equal(400, status);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("end").EnumerateArray()).GetString();
        Assert.StartsWith("A time range must end after it starts", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_argument_exception_from_outside_the_domain_stays_a_500_without_details()
    {
        var (status, problem) = await AnswerAsync(Thrown(() => "", s => ArgumentException.ThrowIfNullOrEmpty(s)), "Production");

        Assert.Equal(500, status);
        Assert.Equal(FailureAnswers.UnexpectedTitle, problem.GetProperty("title").GetString());
        Assert.False(problem.TryGetProperty("detail", out _));
    }

    // Thrown for real, so the exception carries the stack (and TargetSite) the handler inspects.
    private static Exception Thrown<T>(Func<T> value, Action<T> act)
    {
        try
        {
            act(value());
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("Nothing was thrown.");
    }

    private static async Task<(int Status, JsonElement Problem)> AnswerAsync(Exception exception, string environment = "Development")
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = "/api/bookings";
        context.Request.Headers.Accept = "application/json";
        context.Response.Body = new MemoryStream();
        var handler = new FailureAnswers(new Environment(environment), NullLogger<FailureAnswers>.Instance);

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, (await JsonDocument.ParseAsync(context.Response.Body)).RootElement);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "BookingPortal.Web";
        public string ContentRootPath { get; set; } = "/";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
