using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingPortal.Infrastructure.Calendars.Sync.Pull;

/// <summary>
/// Reads what changed in each linked calendar that is due (migration 0018, ADR 019) and makes the room here match:
/// an outside event holds its time as a booking of its own, through the same exclusion constraint, and moves or ends
/// when it does there. Our own events are recognised by the push mapping and never come back as holds. An outside event
/// that collides with a booking held here is listed as a sync conflict instead of holding.
/// </summary>
public sealed class CalendarPull(NpgsqlDataSource database, IDbContextFactory<BookingDbContext> contexts, CalendarProviders providers,
    BookingEngine engine, CalendarSubscriptions subscriptions, IOptions<SyncOptions> options, TimeProvider time, ILogger<CalendarPull> logger)
{
    private const int LinksPerPass = 50;

    public async Task<int> PullDueAsync(CancellationToken ct)
    {
        var due = await DueLinksAsync(ct);
        var pulled = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.PushConcurrency, CancellationToken = ct },
            async (link, token) =>
            {
                if (await PullAsync(link, token))
                {
                    Interlocked.Increment(ref pulled);
                }
            });
        return pulled;
    }

    private async Task<List<DueLink>> DueLinksAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            SELECT l.resource_id, l.provider, l.calendar_id, l.pull_cursor, l.subscription_id, l.subscription_resource_id,
                   l.subscription_expires_at, l.subscription_secret, l.subscription_renew_at
            FROM calendar_links l
            WHERE (l.pull_due_at <= now() OR l.subscription_renew_at <= @now) AND NOT l.needs_attention
            ORDER BY least(l.pull_due_at, l.subscription_renew_at)
            LIMIT @limit
            """);
        // Renewal is due by the clock the subscription's lifetime was reckoned on, the app's.
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.AddWithValue("limit", LinksPerPass);
        var links = new List<DueLink>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var subscription = reader.IsDBNull(4) ? null
                : new CalendarSubscription(reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6));
            links.Add(new DueLink(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            {
                Subscription = subscription,
                Secret = reader.IsDBNull(7) ? null : reader.GetString(7),
                RenewAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
            });
        }

        return links;
    }

    private async Task<bool> PullAsync(DueLink link, CancellationToken ct)
    {
        try
        {
            if (providers.Find(link.Provider, out var missing) is not { } provider)
            {
                throw new CalendarSyncException(CalendarSyncFailure.BadCredentials, missing!);
            }

            var resource = await LoadResourceAsync(link.ResourceId, ct);
            var now = time.GetUtcNow();
            var window = new TimeRange(now.AddDays(-1), now + resource.Rules.Horizon);
            var (events, cursor, full) = await ReadChangesAsync(provider, link, window, ct);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var ours = await PushedIdsAsync(link.ResourceId, ct);
            foreach (var change in events)
            {
                seen.Add(change.ExternalId);
                if (change.OurBookingId is not null || ours.Contains(change.ExternalId))
                {
                    continue;
                }

                await ApplyAsync(link, resource, change, window, ct);
            }

            if (full)
            {
                await ReleaseUnseenAsync(link, seen, window, ct);
            }

            await RecordPulledAsync(link, cursor, full, ct);
            // After the pull, so the first notification finds the window already read.
            await subscriptions.KeepAsync(provider, link, ct);
            return true;
        }
        catch (CalendarSyncException e) when (!e.IsTransient && e.Failure != CalendarSyncFailure.Rejected)
        {
            logger.LogWarning("Calendar pull of resource {ResourceId} needs attention: {Reason}", link.ResourceId, e.Message);
            await RecordFailureAsync(link, e.Message, null, needsAttention: true);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var retryAfter = (e as CalendarSyncException)?.RetryAfter;
            logger.LogInformation(e, "Calendar pull of resource {ResourceId} failed; trying again later", link.ResourceId);
            await RecordFailureAsync(link, e is CalendarSyncException sync ? $"{sync.Failure}: {sync.Message}" : "The pull failed unexpectedly; see the server log.",
                retryAfter, needsAttention: false);
            return false;
        }
    }

    /// <summary>Every page of the changes since the cursor; a full read of the window when there is none or it expired.</summary>
    private static async Task<(List<PulledEvent> Events, string? Cursor, bool Full)> ReadChangesAsync(ICalendarProvider provider, DueLink link,
        TimeRange window, CancellationToken ct)
    {
        var cursor = link.Cursor;
        while (true)
        {
            var full = cursor is null;
            var events = new List<PulledEvent>();
            try
            {
                while (true)
                {
                    var page = await provider.PullAsync(link.CalendarId, cursor, window.Start, window.End, ct);
                    events.AddRange(page.Events);
                    if (page.DeltaCursor is not null || page.NextCursor is null)
                    {
                        return (events, page.DeltaCursor, full);
                    }

                    cursor = page.NextCursor;
                }
            }
            catch (CalendarSyncException e) when (e.Failure == CalendarSyncFailure.CursorExpired && !full)
            {
                cursor = null;
            }
        }
    }

    private async Task ApplyAsync(DueLink link, Domain.Resources.Resource resource, PulledEvent change, TimeRange window, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var held = await db.Bookings.Include(b => b.Allocations)
            .Where(b => b.Outside != null && b.Outside.Provider == link.Provider && b.Outside.ExternalId == change.ExternalId
                        && b.Outside.CalendarId.ToLower() == link.CalendarId.ToLower() && b.Status != BookingStatus.Cancelled)
            .FirstOrDefaultAsync(ct);
        var now = time.GetUtcNow();
        var holds = !change.Removed && !change.Free && change is { StartUtc: { } start, EndUtc: { } end } && end > start && end > window.Start;
        if (!holds)
        {
            await ForgetConflictAsync(link.ResourceId, change.ExternalId, ct);
            if (held is not null)
            {
                await ReleaseAsync(db, held, link, now, ct);
            }

            return;
        }

        var range = new TimeRange(change.StartUtc!.Value, change.EndUtc!.Value);
        var outside = new OutsideEvent(link.Provider, link.CalendarId, change.ExternalId, change.OrganizerName);
        if (held is null)
        {
            held = Booking.HoldForOutsideEvent(Guid.CreateVersion7(), outside, change.Subject, range, resource, now);
            db.Bookings.Add(held);
        }
        else
        {
            held.FollowOutsideEvent(change.Subject, change.OrganizerName, range, resource, now);
        }

        try
        {
            await SlotLocks.SaveAsync(db, [resource.Id], ct);
            held.ClearDomainEvents();
            await ForgetConflictAsync(link.ResourceId, change.ExternalId, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: "23P01" })
        {
            await RecordConflictAsync(link, change, range, ct);
            if (db.Entry(held).State != EntityState.Added)
            {
                // The event moved onto time held here: it no longer holds where it was either.
                await using var fresh = await contexts.CreateDbContextAsync(ct);
                if (await fresh.Bookings.Include(b => b.Allocations).FirstOrDefaultAsync(b => b.Id == held.Id, ct) is { } stale)
                {
                    await ReleaseAsync(fresh, stale, link, now, ct);
                }
            }
        }
    }

    private async Task ReleaseAsync(BookingDbContext db, Booking held, DueLink link, DateTimeOffset now, CancellationToken ct)
    {
        held.ReleaseOutsideEvent(now, $"Removed in {held.Outside!.ProviderName}");
        await db.SaveChangesAsync(ct);
        held.ClearDomainEvents();
        await engine.PromotePendingAsync([link.ResourceId], ct);
    }

    /// <summary>After a full read, the holds of events that are no longer there (deleted while our cursor was lost).</summary>
    private Task ReleaseUnseenAsync(DueLink link, HashSet<string> seen, TimeRange window, CancellationToken ct) =>
        ReleaseHoldsAsync(link, window.Start, seen, ct);

    /// <summary>A calendar no longer linked holds nothing here any more: its current and future holds are released.</summary>
    public Task ReleaseCalendarAsync(Guid resourceId, string provider, string calendarId, CancellationToken ct) =>
        ReleaseHoldsAsync(new DueLink(resourceId, provider, calendarId, null), time.GetUtcNow(), [], ct);

    private async Task ReleaseHoldsAsync(DueLink link, DateTimeOffset endingAfter, HashSet<string> keep, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var holds = await db.Bookings.Include(b => b.Allocations)
            .Where(b => b.Outside != null && b.Outside.Provider == link.Provider && b.Outside.CalendarId.ToLower() == link.CalendarId.ToLower()
                        && b.Status == BookingStatus.Confirmed && b.End > endingAfter)
            .ToListAsync(ct);
        foreach (var held in holds.Where(h => !keep.Contains(h.Outside!.ExternalId)))
        {
            await ReleaseAsync(db, held, link, time.GetUtcNow(), ct);
        }
    }

    private async Task<Domain.Resources.Resource> LoadResourceAsync(Guid resourceId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Resources.AsNoTracking().SingleAsync(r => r.Id == resourceId, ct);
    }

    private async Task<HashSet<string>> PushedIdsAsync(Guid resourceId, CancellationToken ct)
    {
        await using var command = database.CreateCommand("SELECT external_id FROM sync_event_map WHERE resource_id = @resource");
        command.Parameters.AddWithValue("resource", resourceId);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private async Task RecordConflictAsync(DueLink link, PulledEvent change, TimeRange range, CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO sync_conflicts (resource_id, external_id, provider, start_utc, end_utc, subject, organizer_name, organizer_email,
                                        conflicting_booking_ids, detected_at)
            SELECT @resource, @external, @provider, @start, @end, @subject, @organizer, @email,
                   coalesce(array_agg(DISTINCT a.booking_id) FILTER (WHERE a.booking_id IS NOT NULL), '{}'), now()
            FROM allocations a
            WHERE a.resource_id = @resource AND a.holds AND a.blocked_range && tstzrange(@start, @end, '[)')
            ON CONFLICT (resource_id, external_id) DO UPDATE SET start_utc = excluded.start_utc, end_utc = excluded.end_utc,
                subject = excluded.subject, organizer_name = excluded.organizer_name, organizer_email = excluded.organizer_email,
                conflicting_booking_ids = excluded.conflicting_booking_ids
            """);
        command.Parameters.AddWithValue("resource", link.ResourceId);
        command.Parameters.AddWithValue("external", change.ExternalId);
        command.Parameters.AddWithValue("provider", link.Provider);
        command.Parameters.AddWithValue("start", range.Start);
        command.Parameters.AddWithValue("end", range.End);
        command.Parameters.AddWithValue("subject", (object?)change.Subject ?? DBNull.Value);
        command.Parameters.AddWithValue("organizer", (object?)change.OrganizerName ?? DBNull.Value);
        command.Parameters.AddWithValue("email", (object?)change.OrganizerEmail ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task ForgetConflictAsync(Guid resourceId, string externalId, CancellationToken ct)
    {
        await using var command = database.CreateCommand("DELETE FROM sync_conflicts WHERE resource_id = @resource AND external_id = @external");
        command.Parameters.AddWithValue("resource", resourceId);
        command.Parameters.AddWithValue("external", externalId);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task RecordPulledAsync(DueLink link, string? cursor, bool full, CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            UPDATE calendar_links SET pull_cursor = @cursor, last_pull_at = now(), last_pull_error = NULL,
                full_pull_at = CASE WHEN @full THEN now() ELSE full_pull_at END,
                pull_due_at = now() + CASE WHEN subscription_id IS NOT NULL AND subscription_error IS NULL THEN @reconcile ELSE @interval END
            WHERE resource_id = @resource AND provider = @provider AND calendar_id = @calendar
            """);
        command.Parameters.AddWithValue("cursor", (object?)cursor ?? DBNull.Value);
        command.Parameters.AddWithValue("full", full);
        command.Parameters.AddWithValue("interval", options.Value.PollInterval);
        command.Parameters.AddWithValue("reconcile", options.Value.ReconcileInterval);
        command.Parameters.AddWithValue("resource", link.ResourceId);
        command.Parameters.AddWithValue("provider", link.Provider);
        command.Parameters.AddWithValue("calendar", link.CalendarId);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task RecordFailureAsync(DueLink link, string error, TimeSpan? retryAfter, bool needsAttention)
    {
        await using var command = database.CreateCommand("""
            UPDATE calendar_links SET last_pull_error = @error, needs_attention = needs_attention OR @attention,
                pull_due_at = now() + greatest(@wait, @interval / 4)
            WHERE resource_id = @resource
            """);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("attention", needsAttention);
        command.Parameters.AddWithValue("wait", retryAfter ?? TimeSpan.Zero);
        command.Parameters.AddWithValue("interval", options.Value.PollInterval);
        command.Parameters.AddWithValue("resource", link.ResourceId);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    internal sealed record DueLink(Guid ResourceId, string Provider, string CalendarId, string? Cursor)
    {
        public CalendarSubscription? Subscription { get; init; }

        public string? Secret { get; init; }

        public DateTimeOffset? RenewAt { get; init; }
    }
}
