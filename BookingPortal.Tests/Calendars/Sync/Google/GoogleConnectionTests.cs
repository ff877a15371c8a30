using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Tests.Fakes.GoogleCalendar;

namespace BookingPortal.Tests.Calendars.Sync.Google;

public sealed class GoogleConnectionTests
{
    [Fact]
    public async Task Check_with_a_trusted_key_reads_the_calendar_name()
    {
        await using var google = await GoogleSyncHarness.StartAsync();

        var info = await google.Provider().CheckCalendarAsync(GoogleSyncHarness.Room, CancellationToken.None);

        Assert.Equal(new CalendarInfo(GoogleSyncHarness.Room, "Room 4.12"), info);
        Assert.Equal(1, google.Fake.TokenGrants);
    }

    [Fact]
    public async Task Check_with_a_key_Google_does_not_know_is_bad_credentials()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        using var stranger = FakeServiceAccount.Create();

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            google.Provider(google.Options(stranger)).CheckCalendarAsync(GoogleSyncHarness.Room, CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.BadCredentials, failure.Failure);
        Assert.Contains("invalid_grant", failure.Message);
        Assert.DoesNotContain("PRIVATE KEY", failure.ToString());
    }

    [Fact]
    public async Task Check_after_the_delegation_is_withdrawn_is_bad_credentials()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        google.Fake.RevokeDelegation();

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            google.Provider().CheckCalendarAsync(GoogleSyncHarness.Room, CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.BadCredentials, failure.Failure);
        Assert.Contains("unauthorized_client", failure.Message);
    }

    [Fact]
    public async Task Check_without_a_readable_key_file_is_bad_credentials()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var options = google.Options();
        options.ServiceAccountKeyFile = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            google.Provider(options).CheckCalendarAsync(GoogleSyncHarness.Room, CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.BadCredentials, failure.Failure);
        Assert.Equal(0, google.Fake.TokenGrants);
    }

    [Fact]
    public async Task Check_of_a_calendar_the_user_may_not_use_is_missing_permission()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        google.Fake.SetAccess(GoogleSyncHarness.Room, FakeCalendarAccess.Forbidden);

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            google.Provider().CheckCalendarAsync(GoogleSyncHarness.Room, CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.MissingPermission, failure.Failure);
    }

    [Fact]
    public async Task Check_of_an_unknown_calendar_says_so()
    {
        await using var google = await GoogleSyncHarness.StartAsync();

        var failure = await Assert.ThrowsAsync<CalendarSyncException>(() =>
            google.Provider().CheckCalendarAsync("c_nowhere@resource.calendar.google.com", CancellationToken.None));

        Assert.Equal(CalendarSyncFailure.UnknownCalendar, failure.Failure);
    }

    [Fact]
    public async Task The_token_url_setting_wins_over_the_key_files_token_uri()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        // The key file names an address where nothing listens; only the setting leads to the fake.
        using var account = FakeServiceAccount.Create(tokenUri: "http://127.0.0.1:9/token");
        google.Fake.Trust(account);

        await google.Provider(google.Options(account)).CheckCalendarAsync(GoogleSyncHarness.Room, CancellationToken.None);

        Assert.Equal(1, google.Fake.TokenGrants);
    }

    [Fact]
    public async Task Without_the_setting_the_key_files_token_uri_is_used()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        using var account = FakeServiceAccount.Create(tokenUri: google.Fake.TokenUrl);
        google.Fake.Trust(account);
        var options = google.Options(account);
        options.TokenUrl = null;

        await google.Provider(options).CheckCalendarAsync(GoogleSyncHarness.Room, CancellationToken.None);

        Assert.Equal(1, google.Fake.TokenGrants);
    }

    [Fact]
    public async Task A_provider_without_a_key_file_is_not_configured()
    {
        await using var google = await GoogleSyncHarness.StartAsync();
        var options = google.Options();
        options.ServiceAccountKeyFile = null;
        var provider = google.Provider(options);

        Assert.False(provider.IsConfigured);
        Assert.True(google.Provider().IsConfigured);
        Assert.Equal("google", provider.Name);
    }
}
