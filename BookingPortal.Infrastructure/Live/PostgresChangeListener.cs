using BookingPortal.Infrastructure.Calendars.Sync.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingPortal.Infrastructure.Live;

/// <summary>
/// This instance's one LISTEN connection. It reconnects by itself for as long as the app runs, and after every
/// reconnection publishes a resync, because notifications sent while it was away are gone. It also hears the calendar
/// sync outbox, whose rows are found by the next sweep even when a notification is lost.
/// </summary>
public sealed class PostgresChangeListener(string connectionString, LiveUpdates updates, CalendarPushWakeup calendarPush,
    ILogger<PostgresChangeListener> logger) : BackgroundService
{
    public const string Channel = "booking_portal_changes";
    public const string SyncChannel = "booking_portal_sync";
    public const string ApplicationName = "bookingportal-listener";

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(5);

    private readonly string _listenerConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        // A silently dropped connection (a NAT timeout, a failover) must surface as an error rather than as silence.
        KeepAlive = 5,
        ApplicationName = ApplicationName,
        Multiplexing = false,
    }.ConnectionString;

    private volatile bool _listening;

    /// <summary>True while LISTEN is active; for readiness checks and tests.</summary>
    public bool IsListening => _listening;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var everConnected = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_listenerConnectionString);
                connection.Notification += (_, e) => OnNotification(e.Channel, e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {SyncChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening = true;
                failures = 0;
                if (everConnected)
                {
                    logger.LogInformation("Live-update listener reconnected; asking every screen to reload");
                    updates.Publish(LiveEvent.Resync);
                    calendarPush.Request();
                }

                everConnected = true;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _listening = false;
                failures++;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(LongestBackoff.TotalMilliseconds, 100 * Math.Pow(2, failures - 1)));
                logger.LogWarning(e, "Live-update listener lost its connection; retrying in {Backoff}", backoff);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        _listening = false;
    }

    private void OnNotification(string channel, string payload)
    {
        if (channel == SyncChannel)
        {
            calendarPush.Request();
        }
        else if (LiveEvent.Parse(payload) is { } change)
        {
            updates.Publish(change);
        }
        else
        {
            logger.LogWarning("Ignored a malformed live-update payload: {Payload}", payload);
        }
    }
}
