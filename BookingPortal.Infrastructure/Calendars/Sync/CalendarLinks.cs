using BookingPortal.Infrastructure.Calendars.Sync.Pull;
using global::Microsoft.Extensions.Options;
using Npgsql;

namespace BookingPortal.Infrastructure.Calendars.Sync;

/// <summary>
/// Which resource feeds which outside calendar (SPEC §6): linking checks the calendar at the provider before anything
/// is stored and puts the resource's current and future bookings into the outbox; unlinking puts every event pushed
/// for a future booking into the outbox to be deleted there, and releases the holds the calendar's own events had here.
/// </summary>
public sealed class CalendarLinks(NpgsqlDataSource database, CalendarProviders providers, CalendarPull pull, CalendarSubscriptions subscriptions,
    IOptions<SyncOptions> options, TimeProvider time)
{
    public const int LongestCalendarId = 320;

    public async Task<LinkOutcome> LinkAsync(Guid resourceId, string? providerName, string? calendarId, CancellationToken ct)
    {
        var name = CalendarProviders.KnownNames.FirstOrDefault(n => n.Equals(providerName?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            return new LinkOutcome.Invalid("provider", "Choose \"microsoft\" or \"google\".");
        }

        calendarId = calendarId?.Trim();
        if (string.IsNullOrEmpty(calendarId) || calendarId.Length > LongestCalendarId)
        {
            return new LinkOutcome.Invalid("calendarId", name == "microsoft"
                ? $"Give the room mailbox's e-mail address (at most {LongestCalendarId} characters)."
                : $"Give the Google resource calendar id (at most {LongestCalendarId} characters).");
        }

        if (!await ResourceExistsAsync(resourceId, ct))
        {
            return new LinkOutcome.NotFound();
        }

        if (providers.Find(name, out var missing) is not { } provider)
        {
            return new LinkOutcome.Refused(missing!, null);
        }

        if (await LinkedElsewhereAsync(resourceId, name, calendarId, ct) is { } other)
        {
            return new LinkOutcome.Taken(other);
        }

        CalendarInfo calendar;
        try
        {
            calendar = await provider.CheckCalendarAsync(calendarId, ct);
        }
        catch (CalendarSyncException e)
        {
            return new LinkOutcome.Refused(e.Message, e);
        }

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        (string Provider, CalendarSubscription? Subscription)? replaced;
        try
        {
            replaced = await ForgetOtherCalendarAsync(connection, transaction, resourceId, name, calendarId, ct);
            await using (var upsert = new NpgsqlCommand("""
                INSERT INTO calendar_links (resource_id, provider, calendar_id, display_name, linked_at)
                VALUES (@resource, @provider, @calendar, @display, @now)
                ON CONFLICT (resource_id) DO UPDATE SET provider = excluded.provider, calendar_id = excluded.calendar_id,
                    display_name = excluded.display_name, needs_attention = false, last_error = NULL, last_pull_error = NULL, pull_due_at = now()
                """, connection, transaction))
            {
                upsert.Parameters.AddWithValue("resource", resourceId);
                upsert.Parameters.AddWithValue("provider", name);
                upsert.Parameters.AddWithValue("calendar", calendarId);
                upsert.Parameters.AddWithValue("display", calendar.DisplayName);
                upsert.Parameters.AddWithValue("now", time.GetUtcNow());
                await upsert.ExecuteNonQueryAsync(ct);
            }

            await EnqueueAsync(connection, transaction, resourceId, """
                SELECT a.booking_id FROM allocations a JOIN bookings b ON b.id = a.booking_id
                WHERE a.resource_id = @resource AND a.holds AND b.end_utc > @now
                """, ct);
            await transaction.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another admin linked the calendar to another resource between our look and our write.
            return new LinkOutcome.Taken(await LinkedElsewhereAsync(resourceId, name, calendarId, ct) ?? Guid.Empty);
        }

        // The calendar linked before would otherwise go on calling us until its subscription ran out.
        if (replaced is (var oldProvider, { } oldSubscription) && providers.Find(oldProvider, out _) is { } previous)
        {
            await subscriptions.EndAsync(previous, oldSubscription, ct);
        }

        return new LinkOutcome.Linked((await StatusAsync(resourceId, ct)).Single());
    }

    public async Task<bool> UnlinkAsync(Guid resourceId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        string provider, calendarId;
        CalendarSubscription? subscription;
        await using (var delete = new NpgsqlCommand("""
                         DELETE FROM calendar_links WHERE resource_id = @resource
                         RETURNING provider, calendar_id, subscription_id, subscription_resource_id, subscription_expires_at
                         """, connection, transaction))
        {
            delete.Parameters.AddWithValue("resource", resourceId);
            await using var reader = await delete.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return false;
            }

            (provider, calendarId) = (reader.GetString(0), reader.GetString(1));
            subscription = reader.IsDBNull(2) ? null
                : new CalendarSubscription(reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4));
        }

        // Past bookings stay in the calendar they were pushed to, as a record of what happened there.
        await EnqueueAsync(connection, transaction, resourceId, """
            SELECT m.booking_id FROM sync_event_map m JOIN bookings b ON b.id = m.booking_id
            WHERE m.resource_id = @resource AND NOT m.removed AND b.end_utc > @now
            """, ct);
        await transaction.CommitAsync(ct);
        await pull.ReleaseCalendarAsync(resourceId, provider, calendarId, ct);
        if (subscription is not null && providers.Find(provider, out _) is { } outside)
        {
            await subscriptions.EndAsync(outside, subscription, ct);
        }

        return true;
    }

    /// <summary>Every link, or the one of <paramref name="resourceId"/>, as <c>GET /api/sync/status</c> shows it.</summary>
    public async Task<IReadOnlyList<SyncStatus>> StatusAsync(Guid? resourceId, CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            SELECT l.resource_id, r.name, l.provider, l.calendar_id, l.display_name, l.needs_attention, l.linked_at,
                   l.last_push_at, l.last_pull_at, coalesce(l.last_error, l.last_pull_error), o.pending, o.lag_seconds,
                   l.subscription_id IS NOT NULL, l.subscription_expires_at, l.subscription_error
            FROM calendar_links l
            JOIN resources r ON r.id = l.resource_id
            CROSS JOIN LATERAL (
                SELECT count(*) AS pending,
                       coalesce(extract(epoch FROM now() - min(first_change_at)), 0)::bigint AS lag_seconds
                FROM sync_outbox WHERE resource_id = l.resource_id
            ) o
            WHERE @resource::uuid IS NULL OR l.resource_id = @resource
            ORDER BY r.name, l.resource_id
            """);
        command.Parameters.AddWithValue("resource", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)resourceId ?? DBNull.Value);
        var statuses = new List<SyncStatus>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var pending = reader.GetInt64(10);
            var state = reader.GetBoolean(5) ? SyncStatus.NeedsAttention : pending > 0 ? SyncStatus.Syncing : SyncStatus.Active;
            var webhookError = reader.IsDBNull(14) ? null : reader.GetString(14);
            var webhook = options.Value.PublicBaseUrl is null ? SyncWebhookStatus.Off
                : webhookError is not null ? SyncWebhookStatus.Failing
                : reader.GetBoolean(12) ? SyncWebhookStatus.Subscribed
                : SyncWebhookStatus.Pending;
            statuses.Add(new SyncStatus(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), state,
                reader.GetFieldValue<DateTimeOffset>(6), NullableTime(reader, 7), NullableTime(reader, 8),
                reader.IsDBNull(9) ? null : reader.GetString(9), Math.Max(0, reader.GetInt64(11)), pending,
                new SyncWebhookStatus(webhook, reader.GetBoolean(12) ? NullableTime(reader, 13) : null, webhookError)));
        }

        return statuses;
    }

    /// <summary>
    /// When the resource was linked to another calendar: forgets that calendar's cursor and subscription, so the new one
    /// starts with a full pull and a subscription of its own, and returns the old subscription to be ended there.
    /// </summary>
    private async Task<(string Provider, CalendarSubscription? Subscription)?> ForgetOtherCalendarAsync(NpgsqlConnection connection,
        NpgsqlTransaction transaction, Guid resourceId, string provider, string calendarId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            WITH old AS (
                SELECT resource_id, provider, subscription_id, subscription_resource_id, subscription_expires_at FROM calendar_links
                WHERE resource_id = @resource AND (provider, lower(calendar_id)) <> (@provider, lower(@calendar))
                FOR UPDATE
            )
            UPDATE calendar_links l SET pull_cursor = NULL, linked_at = @now, subscription_id = NULL, subscription_resource_id = NULL,
                subscription_secret = NULL, subscription_expires_at = NULL, subscription_renew_at = NULL, subscription_error = NULL
            FROM old WHERE l.resource_id = old.resource_id
            RETURNING old.provider, old.subscription_id, old.subscription_resource_id, old.subscription_expires_at
            """, connection, transaction);
        command.Parameters.AddWithValue("resource", resourceId);
        command.Parameters.AddWithValue("provider", provider);
        command.Parameters.AddWithValue("calendar", calendarId);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var subscription = reader.IsDBNull(1) ? null
            : new CalendarSubscription(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
        return (reader.GetString(0), subscription);
    }

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid resourceId, string bookings,
        CancellationToken ct)
    {
        // The triggers' own enqueue (migration 0017): one upsert, and the NOTIFY that wakes the push.
        await using var enqueue = new NpgsqlCommand($"""
            SELECT sync_outbox_enqueue(owed.booking_id, @resource) FROM ({bookings}) owed
            """, connection, transaction);
        enqueue.Parameters.AddWithValue("resource", resourceId);
        enqueue.Parameters.AddWithValue("now", time.GetUtcNow());
        await enqueue.ExecuteNonQueryAsync(ct);
    }

    private async Task<bool> ResourceExistsAsync(Guid resourceId, CancellationToken ct)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM resources WHERE id = @resource)");
        command.Parameters.AddWithValue("resource", resourceId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<Guid?> LinkedElsewhereAsync(Guid resourceId, string provider, string calendarId, CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            SELECT resource_id FROM calendar_links
            WHERE provider = @provider AND lower(calendar_id) = lower(@calendar) AND resource_id <> @resource
            """);
        command.Parameters.AddWithValue("provider", provider);
        command.Parameters.AddWithValue("calendar", calendarId);
        command.Parameters.AddWithValue("resource", resourceId);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }
}

/// <param name="State">"active", "syncing" (changes still to deliver) or "needs-attention" (the provider refused us).</param>
/// <param name="LagSeconds">Age of the oldest change not yet delivered; 0 when none.</param>
public sealed record SyncStatus(
    Guid ResourceId,
    string ResourceName,
    string Provider,
    string CalendarId,
    string CalendarName,
    string State,
    DateTimeOffset LinkedAt,
    DateTimeOffset? LastPushAt,
    DateTimeOffset? LastPullAt,
    string? LastError,
    long LagSeconds,
    long PendingOutbox,
    SyncWebhookStatus Webhook)
{
    public const string Active = "active";
    public const string Syncing = "syncing";
    public const string NeedsAttention = "needs-attention";
}

/// <summary>
/// Whether the provider tells us of changes: "off" (no <c>Sync:PublicBaseUrl</c>, polled only), "pending" (subscribed
/// after the first pull), "subscribed", or "failing" (polled meanwhile; <paramref name="Error"/> says why).
/// </summary>
public sealed record SyncWebhookStatus(string State, DateTimeOffset? ExpiresAt, string? Error)
{
    public const string Off = "off";
    public const string Pending = "pending";
    public const string Subscribed = "subscribed";
    public const string Failing = "failing";
}

public abstract record LinkOutcome
{
    public sealed record Linked(SyncStatus Status) : LinkOutcome;

    public sealed record Invalid(string Field, string Message) : LinkOutcome;

    public sealed record NotFound : LinkOutcome;

    /// <summary>The calendar is already fed by <paramref name="OtherResourceId"/>.</summary>
    public sealed record Taken(Guid OtherResourceId) : LinkOutcome;

    /// <summary>The provider (or its configuration) said no; <paramref name="Failure"/> is null when nothing was asked.</summary>
    public sealed record Refused(string Reason, CalendarSyncException? Failure) : LinkOutcome;
}
