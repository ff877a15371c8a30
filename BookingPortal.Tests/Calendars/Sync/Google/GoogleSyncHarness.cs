using System.Threading.Channels;
using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Google;
using BookingPortal.Tests.Fakes;
using BookingPortal.Tests.Fakes.GoogleCalendar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace BookingPortal.Tests.Calendars.Sync.Google;

/// <summary>The fake Google with one trusted service account and one writable room calendar, and providers aimed at it.</summary>
public sealed class GoogleSyncHarness : IAsyncDisposable
{
    public const string Room = "c_room-4-12@resource.calendar.google.com";
    public const string SyncUser = "sync-admin@example.org";

    private readonly List<GoogleCalendarProvider> _providers = [];

    private GoogleSyncHarness(FakeGoogleCalendar fake, FakeServiceAccount account) => (Fake, Account) = (fake, account);

    public static async Task<GoogleSyncHarness> StartAsync()
    {
        var fake = await FakeGoogleCalendar.StartAsync();
        var account = FakeServiceAccount.Create();
        fake.Trust(account);
        fake.AddCalendar(Room, "Room 4.12");
        return new GoogleSyncHarness(fake, account);
    }

    public FakeGoogleCalendar Fake { get; }

    public FakeServiceAccount Account { get; }

    public GoogleSyncOptions Options(FakeServiceAccount? account = null) => new()
    {
        ServiceAccountKeyFile = (account ?? Account).KeyFile,
        ImpersonateUser = SyncUser,
        TokenUrl = Fake.TokenUrl,
        ApiBaseUrl = Fake.ApiBaseUrl,
    };

    public GoogleCalendarProvider Provider(GoogleSyncOptions? options = null)
    {
        var provider = new GoogleCalendarProvider(global::Microsoft.Extensions.Options.Options.Create(options ?? Options()), TimeProvider.System,
            NullLogger<GoogleCalendarProvider>.Instance);
        _providers.Add(provider);
        return provider;
    }

    public static OutgoingEvent Booking(string title = "Quarterly planning", int startHour = 9, int hours = 1)
    {
        var bookingId = Guid.NewGuid();
        var start = new DateTimeOffset(2026, 3, 10, startHour, 0, 0, TimeSpan.Zero);
        // What the sync derives from (booking, resource): base32hex, lower case.
        var key = "bp" + Convert.ToHexStringLower(bookingId.ToByteArray());
        return new OutgoingEvent(bookingId, Guid.NewGuid(), key, title, start, start.AddHours(hours), "Europe/Berlin",
            "ada@example.org", "Ada Lovelace", "Room 4.12");
    }

    public async ValueTask DisposeAsync()
    {
        _providers.ForEach(p => p.Dispose());
        await Fake.DisposeAsync();
        Account.Dispose();
    }
}

/// <summary>The app's side of Google push notifications: a loopback endpoint that parses every call it gets.</summary>
public sealed class NotificationSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<CalendarNotification?> _received = Channel.CreateUnbounded<CalendarNotification?>();

    private NotificationSink(WebApplication app)
    {
        _app = app;
        app.MapPost("/api/sync/google/notifications", (HttpContext ctx) =>
        {
            _received.Writer.TryWrite(GoogleNotifications.Parse(ctx.Request.Headers));
            return Results.Ok();
        });
    }

    public static async Task<NotificationSink> StartAsync()
    {
        var sink = new NotificationSink(LoopbackKestrel.Create());
        sink.Address = new Uri(await LoopbackKestrel.StartAsync(sink._app), "api/sync/google/notifications");
        return sink;
    }

    public Uri Address { get; private set; } = null!;

    public async Task<CalendarNotification?> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
