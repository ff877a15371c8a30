using System.Security.Cryptography;
using System.Text;
using BookingPortal.Domain.Bookings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingPortal.Infrastructure.Calendars.Sync.Outbox;

/// <summary>
/// Delivers the sync outbox (migration 0017, ADR 018). Each row names a (booking, resource) whose outside event may be
/// out of date; delivery reads how the booking stands now and makes the linked calendar match it, so any number of
/// coalesced changes cost one call and a delivery repeated after a crash changes nothing. A row is leased, not locked,
/// while its call is under way, so a booking write never waits for a provider. Rows of one resource go one after another,
/// different resources side by side, and a throttled or broken calendar only delays its own rows.
/// </summary>
public sealed class CalendarPush(NpgsqlDataSource database, CalendarProviders providers, IOptions<SyncOptions> options,
    ILogger<CalendarPush> logger)
{
    private const int BatchSize = 200;

    /// <summary>Long enough for a slow provider call and its timeout; an instance that died lets its rows go after it.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromMinutes(5);

    /// <summary>A request the provider will always refuse is tried again this seldom, so it shows but does not spin.</summary>
    private static readonly TimeSpan RejectedRetry = TimeSpan.FromHours(1);

    /// <summary>Delivers due rows until none are left or the pass has run long enough; returns how many were settled.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var settled = 0;
        var until = DateTimeOffset.UtcNow + options.Value.PushPassLimit;
        while (DateTimeOffset.UtcNow < until)
        {
            var claimed = await ClaimAsync(ct);
            if (claimed.Count == 0)
            {
                break;
            }

            var delivered = 0;
            await Parallel.ForEachAsync(claimed.GroupBy(item => item.ResourceId),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.PushConcurrency, CancellationToken = ct },
                async (resource, token) =>
                {
                    foreach (var item in resource)
                    {
                        if (await DeliverAsync(item, token))
                        {
                            Interlocked.Increment(ref delivered);
                        }
                    }
                });
            settled += delivered;
            if (claimed.Count < BatchSize && delivered == claimed.Count)
            {
                break;
            }
        }

        return settled;
    }

    /// <summary>When the soonest postponed row falls due (database clock, as stamped), or null when none waits.</summary>
    public async Task<DateTimeOffset?> NextAttemptAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            SELECT min(o.next_attempt_at) FROM sync_outbox o
            LEFT JOIN calendar_links l ON l.resource_id = o.resource_id
            WHERE o.leased_until IS NULL AND NOT coalesce(l.needs_attention, false)
            """);
        return await command.ExecuteScalarAsync(ct) is DateTime due ? new DateTimeOffset(due) : null;
    }

    private async Task<List<OutboxItem>> ClaimAsync(CancellationToken ct)
    {
        // The outbox is stamped by the database's clock (its triggers), so it is compared on that clock too.
        await using var command = database.CreateCommand("""
            UPDATE sync_outbox o SET leased_until = now() + @lease
            FROM (
                SELECT o.booking_id, o.resource_id FROM sync_outbox o
                LEFT JOIN calendar_links l ON l.resource_id = o.resource_id
                WHERE o.next_attempt_at <= now() AND (o.leased_until IS NULL OR o.leased_until < now())
                  AND NOT coalesce(l.needs_attention, false)
                ORDER BY o.next_attempt_at
                LIMIT @batch
                FOR UPDATE OF o SKIP LOCKED
            ) due
            WHERE o.booking_id = due.booking_id AND o.resource_id = due.resource_id
            RETURNING o.booking_id, o.resource_id, o.changes, o.attempts
            """);
        command.Parameters.AddWithValue("lease", Lease);
        command.Parameters.AddWithValue("batch", BatchSize);
        var items = new List<OutboxItem>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new OutboxItem(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetInt32(3)));
        }

        return items;
    }

    /// <summary>True when the row is settled: its state is there, or it was found owing nothing.</summary>
    private async Task<bool> DeliverAsync(OutboxItem item, CancellationToken ct)
    {
        string? calendarForError = null;
        try
        {
            var state = await ReadStateAsync(item, ct);
            calendarForError = state.Link?.CalendarId ?? state.Pushed?.CalendarId;
            var pushed = state.Pushed;
            var wanted = state.Wanted;

            // An event in a calendar the resource no longer feeds (unlinked, or linked elsewhere) goes first.
            if (pushed is { Removed: false } && (wanted is null || !pushed.IsIn(state.Link!)))
            {
                calendarForError = pushed.CalendarId;
                await RequireProvider(pushed.Provider).DeleteAsync(pushed.CalendarId, pushed.ExternalId, ct);
                await MarkRemovedAsync(item, ct);
                pushed = pushed with { Removed = true };
            }

            if (wanted is not null)
            {
                var link = state.Link!;
                calendarForError = link.CalendarId;
                var provider = RequireProvider(link.Provider);
                var fingerprint = Fingerprint(wanted);
                if (pushed is null or { Removed: true })
                {
                    await CreateAsync(provider, item, link, wanted, fingerprint, pushed is null ? 0 : pushed.Generation + 1, ct);
                }
                else if (pushed.Fingerprint != fingerprint)
                {
                    try
                    {
                        var updated = await provider.UpdateAsync(link.CalendarId, pushed.ExternalId, wanted, ct);
                        await RememberPushedAsync(item, link, updated, fingerprint, pushed.Generation, ct);
                    }
                    catch (CalendarSyncException e) when (e.Failure == CalendarSyncFailure.UnknownEvent)
                    {
                        // Deleted over there while the booking still holds the room here: it goes back.
                        await CreateAsync(provider, item, link, wanted, fingerprint, pushed.Generation + 1, ct);
                    }
                }
            }

            return await SettleAsync(item, ct);
        }
        catch (CalendarSyncException e) when (e.Failure is CalendarSyncFailure.BadCredentials or CalendarSyncFailure.MissingPermission
                                                  or CalendarSyncFailure.UnknownCalendar)
        {
            logger.LogWarning("Calendar sync of resource {ResourceId} needs attention: {Reason}", item.ResourceId, e.Message);
            await NeedsAttentionAsync(item, e.Message);
            return false;
        }
        catch (CalendarSyncException e)
        {
            var wait = e.Failure == CalendarSyncFailure.Rejected ? RejectedRetry : Backoff(item.Attempts, e.RetryAfter);
            logger.LogInformation("Calendar push of booking {BookingId} to {Calendar} failed ({Failure}); next try in {Wait}",
                item.BookingId, calendarForError, e.Failure, wait);
            await PostponeAsync(item, $"{e.Failure}: {e.Message}", wait);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(e, "Calendar push of booking {BookingId} failed unexpectedly", item.BookingId);
            await PostponeAsync(item, "The push failed unexpectedly; see the server log.", Backoff(item.Attempts, null));
            return false;
        }
    }

    private async Task CreateAsync(ICalendarProvider provider, OutboxItem item, LinkedCalendar link, OutgoingEvent wanted, string fingerprint,
        int generation, CancellationToken ct)
    {
        var created = await provider.CreateAsync(link.CalendarId, wanted with { DeliveryKey = DeliveryKey(item.BookingId, item.ResourceId, generation) }, ct);
        await RememberPushedAsync(item, link, created, fingerprint, generation, ct);
    }

    private ICalendarProvider RequireProvider(string name) =>
        providers.Find(name, out var missing) ?? throw new CalendarSyncException(CalendarSyncFailure.BadCredentials, missing!);

    private async Task<PushState> ReadStateAsync(OutboxItem item, CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            SELECT b.status, b.title, b.start_utc, b.end_utc, b.owner_email, u.display_name,
                   a.resource_id IS NOT NULL, r.name, loc.time_zone_id,
                   l.provider, l.calendar_id,
                   m.provider, m.calendar_id, m.external_id, m.pushed_fingerprint, m.generation, m.removed
            FROM (SELECT @booking AS booking_id, @resource AS resource_id) k
            LEFT JOIN bookings b ON b.id = k.booking_id
            LEFT JOIN users u ON u.id = b.owner_id
            LEFT JOIN allocations a ON a.booking_id = k.booking_id AND a.resource_id = k.resource_id
            LEFT JOIN resources r ON r.id = k.resource_id
            LEFT JOIN locations loc ON loc.id = r.location_id
            LEFT JOIN calendar_links l ON l.resource_id = k.resource_id
            LEFT JOIN sync_event_map m ON m.booking_id = k.booking_id AND m.resource_id = k.resource_id
            """);
        AddKey(command, item);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var link = reader.IsDBNull(9) ? null : new LinkedCalendar(reader.GetString(9), reader.GetString(10));
        var pushed = reader.IsDBNull(11)
            ? null
            : new PushedCalendarEvent(reader.GetString(11), reader.GetString(12), reader.GetString(13), reader.GetString(14), reader.GetInt32(15),
                reader.GetBoolean(16));
        var holds = !reader.IsDBNull(0) && reader.GetBoolean(6) && Enum.Parse<BookingStatus>(reader.GetString(0)).HoldsSlot();
        var wanted = link is null || !holds
            ? null
            : new OutgoingEvent(item.BookingId, item.ResourceId, string.Empty, reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(8), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(7));
        return new PushState(link, pushed, wanted);
    }

    private async Task RememberPushedAsync(OutboxItem item, LinkedCalendar link, PushedEvent pushed, string fingerprint, int generation,
        CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO sync_event_map (booking_id, resource_id, provider, calendar_id, external_id, etag, pushed_fingerprint, generation, pushed_at)
            VALUES (@booking, @resource, @provider, @calendar, @external, @etag, @fingerprint, @generation, now())
            ON CONFLICT (booking_id, resource_id) DO UPDATE SET provider = excluded.provider, calendar_id = excluded.calendar_id,
                external_id = excluded.external_id, etag = excluded.etag, pushed_fingerprint = excluded.pushed_fingerprint,
                generation = excluded.generation, removed = false, pushed_at = excluded.pushed_at
            """);
        AddKey(command, item);
        command.Parameters.AddWithValue("provider", link.Provider);
        command.Parameters.AddWithValue("calendar", link.CalendarId);
        command.Parameters.AddWithValue("external", pushed.ExternalId);
        command.Parameters.AddWithValue("etag", (object?)pushed.ETag ?? DBNull.Value);
        command.Parameters.AddWithValue("fingerprint", fingerprint);
        command.Parameters.AddWithValue("generation", generation);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task MarkRemovedAsync(OutboxItem item, CancellationToken ct)
    {
        await using var command = database.CreateCommand("UPDATE sync_event_map SET removed = true WHERE booking_id = @booking AND resource_id = @resource");
        AddKey(command, item);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Removes the row if nothing changed since it was claimed; a change meanwhile (its count moved on) leaves it due,
    /// so the newer state goes out in the next round.
    /// </summary>
    private async Task<bool> SettleAsync(OutboxItem item, CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            WITH settled AS (
                DELETE FROM sync_outbox WHERE booking_id = @booking AND resource_id = @resource AND changes = @changes
                RETURNING 1
            ), released AS (
                UPDATE sync_outbox SET leased_until = NULL, attempts = 0, last_error = NULL
                WHERE booking_id = @booking AND resource_id = @resource AND NOT EXISTS (SELECT 1 FROM settled)
            ), linked AS (
                UPDATE calendar_links SET last_push_at = now(), last_error = NULL WHERE resource_id = @resource
            )
            SELECT count(*) FROM settled
            """);
        AddKey(command, item);
        command.Parameters.AddWithValue("changes", item.Changes);
        return (long)(await command.ExecuteScalarAsync(ct))! > 0;
    }

    // Recorded even when the pass is stopping: the row must not stay leased for nothing.
    private async Task PostponeAsync(OutboxItem item, string error, TimeSpan wait)
    {
        await using var command = database.CreateCommand("""
            WITH postponed AS (
                UPDATE sync_outbox SET leased_until = NULL, attempts = attempts + 1, last_error = @error,
                    next_attempt_at = now() + @wait
                WHERE booking_id = @booking AND resource_id = @resource
            )
            UPDATE calendar_links SET last_error = @error WHERE resource_id = @resource
            """);
        AddKey(command, item);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("wait", wait);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task NeedsAttentionAsync(OutboxItem item, string error)
    {
        await using var command = database.CreateCommand("""
            WITH released AS (
                UPDATE sync_outbox SET leased_until = NULL, last_error = @error WHERE booking_id = @booking AND resource_id = @resource
            )
            UPDATE calendar_links SET needs_attention = true, last_error = @error WHERE resource_id = @resource
            """);
        AddKey(command, item);
        command.Parameters.AddWithValue("error", error);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static void AddKey(NpgsqlCommand command, OutboxItem item)
    {
        command.Parameters.AddWithValue("booking", item.BookingId);
        command.Parameters.AddWithValue("resource", item.ResourceId);
    }

    /// <summary>Exponential from 2 s with jitter, so calendars that failed together do not come back together.</summary>
    private static TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        var exponential = TimeSpan.FromSeconds(Math.Min(LongestBackoff.TotalSeconds, 2 * Math.Pow(2, Math.Min(attempts, 10))));
        var jittered = exponential * (0.5 + Random.Shared.NextDouble() / 2);
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }

    /// <summary>
    /// The same (booking, resource, generation) always gives the same key: lower-case hex, which Google's event ids
    /// (base32hex) accept, and a Graph transactionId.
    /// </summary>
    public static string DeliveryKey(Guid bookingId, Guid resourceId, int generation) =>
        $"bp{bookingId:N}{resourceId:N}{generation:x}";

    private static string Fingerprint(OutgoingEvent e) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\u001f', e.Title, e.StartUtc.UtcTicks, e.EndUtc.UtcTicks, e.TimeZone, e.OwnerEmail, e.OwnerName, e.ResourceName))))[..32];

    private sealed record OutboxItem(Guid BookingId, Guid ResourceId, long Changes, int Attempts);

    private sealed record LinkedCalendar(string Provider, string CalendarId);

    private sealed record PushedCalendarEvent(string Provider, string CalendarId, string ExternalId, string Fingerprint, int Generation,
        bool Removed)
    {
        public bool IsIn(LinkedCalendar link) =>
            Provider == link.Provider && string.Equals(CalendarId, link.CalendarId, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record PushState(LinkedCalendar? Link, PushedCalendarEvent? Pushed, OutgoingEvent? Wanted);
}
