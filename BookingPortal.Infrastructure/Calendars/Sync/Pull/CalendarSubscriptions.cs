using System.Security.Cryptography;
using System.Text;
using global::Microsoft.Extensions.Logging;
using global::Microsoft.Extensions.Options;
using Npgsql;

namespace BookingPortal.Infrastructure.Calendars.Sync.Pull;

/// <summary>
/// The webhook half of the pull (ADR 020): each link's Graph subscription / Google watch channel, opened after its
/// first pull when <see cref="SyncOptions.PublicBaseUrl"/> is set and renewed at half its lifetime, and the calls
/// the providers make to it. A call only ever makes a pull due sooner; what changed is always read from the provider,
/// so a forged or replayed call can at worst cost one pull, and one with an unknown id or a wrong secret not even that.
/// </summary>
public sealed class CalendarSubscriptions(NpgsqlDataSource database, IOptions<SyncOptions> options, CalendarPullWakeup wakeup,
    TimeProvider time, ILogger<CalendarSubscriptions> logger)
{
    /// <summary>Opens or renews the link's subscription when it has none or its renewal is due; failures only get recorded.</summary>
    internal async Task KeepAsync(ICalendarProvider provider, CalendarPull.DueLink link, CancellationToken ct)
    {
        if (options.Value.NotificationUrl(provider.Name) is not { } url
            || (link.Subscription is not null && link.RenewAt is { } renewAt && renewAt > time.GetUtcNow()))
        {
            return;
        }

        try
        {
            CalendarSubscription opened;
            string secret;
            if (link.Subscription is { } current && link.Secret is not null)
            {
                secret = link.Secret;
                opened = await provider.RenewAsync(link.CalendarId, current, url, secret, ct);
            }
            else
            {
                secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
                opened = await provider.SubscribeAsync(link.CalendarId, url, secret, ct);
            }

            await RecordAsync(link.ResourceId, opened, secret, null, ct);
        }
        catch (CalendarSyncException e)
        {
            // Polling goes on; the next pull tries again.
            logger.LogWarning("Could not subscribe to the calendar of resource {ResourceId}: {Reason}", link.ResourceId, e.Message);
            await RecordAsync(link.ResourceId, link.Subscription, link.Secret, $"{e.Failure}: {e.Message}", ct);
        }
    }

    // A provider whose clock runs ahead of ours hands out a lifetime that looks spent already; without a floor every
    // pass would renew.
    private static readonly TimeSpan ShortestRenewal = TimeSpan.FromMinutes(1);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task RecordAsync(Guid resourceId, CalendarSubscription? subscription, string? secret, string? error, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var command = database.CreateCommand("""
            UPDATE calendar_links SET subscription_id = @id, subscription_resource_id = @resourceId, subscription_secret = @secret,
                subscription_expires_at = @expires, subscription_renew_at = @renew, subscription_error = @error
            WHERE resource_id = @resource
            """);
        command.Parameters.AddWithValue("id", (object?)subscription?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("resourceId", (object?)subscription?.ProviderResourceId ?? DBNull.Value);
        command.Parameters.AddWithValue("secret", subscription is null ? DBNull.Value : secret!);
        command.Parameters.AddWithValue("expires", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)subscription?.ExpiresUtc ?? DBNull.Value);
        command.Parameters.AddWithValue("renew", NpgsqlTypes.NpgsqlDbType.TimestampTz,
            subscription is null ? DBNull.Value : now + Max((subscription.ExpiresUtc - now) / 2, ShortestRenewal));
        command.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("resource", resourceId);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Acts on one webhook call. False when no link has that subscription of that provider or the secret differs:
    /// nothing is changed then.
    /// </summary>
    public async Task<bool> AcceptAsync(string provider, CalendarNotification notification, CancellationToken ct)
    {
        await using var find = database.CreateCommand("""
            SELECT resource_id, subscription_secret FROM calendar_links WHERE subscription_id = @id AND provider = @provider
            """);
        find.Parameters.AddWithValue("id", notification.SubscriptionId);
        find.Parameters.AddWithValue("provider", provider);
        Guid resourceId;
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct) || reader.IsDBNull(1) || !SameSecret(reader.GetString(1), notification.Secret))
            {
                return false;
            }

            resourceId = reader.GetGuid(0);
        }

        var update = notification.Kind switch
        {
            CalendarNotificationKind.Handshake => null,
            CalendarNotificationKind.ReauthorizationRequired => "subscription_renew_at = @now, pull_due_at = now()",
            // The job opens a new one after its pull, since this link then has none.
            CalendarNotificationKind.SubscriptionRemoved =>
                "subscription_id = NULL, subscription_resource_id = NULL, subscription_secret = NULL, subscription_expires_at = NULL, subscription_renew_at = NULL, pull_due_at = now()",
            _ => "pull_due_at = now()",
        };
        if (update is null)
        {
            return true;
        }

        await using var command = database.CreateCommand($"UPDATE calendar_links SET {update} WHERE resource_id = @resource AND subscription_id = @id");
        command.Parameters.AddWithValue("resource", resourceId);
        command.Parameters.AddWithValue("id", notification.SubscriptionId);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
        wakeup.Request();
        return true;
    }

    /// <summary>Ends an unlinked calendar's subscription; the provider not answering leaves it to expire on its own.</summary>
    public async Task EndAsync(ICalendarProvider provider, CalendarSubscription subscription, CancellationToken ct)
    {
        try
        {
            await provider.UnsubscribeAsync(subscription, ct);
        }
        catch (CalendarSyncException e)
        {
            logger.LogInformation("Could not end subscription {SubscriptionId}; it expires on its own: {Reason}", subscription.Id, e.Message);
        }
    }

    // Constant time, so the answer's timing tells a caller nothing about how much of a guess was right.
    private static bool SameSecret(string stored, string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(given));
}
