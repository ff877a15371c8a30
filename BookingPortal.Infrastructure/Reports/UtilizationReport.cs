using System.Globalization;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingPortal.Infrastructure.Reports;

public enum ReportGrouping
{
    Resource,
    Floor,
    Location,
    Kind,
}

/// <summary>What a report covers: one location's local dates <c>[From, To)</c>, optionally narrowed.</summary>
public sealed record ReportQuery(Guid LocationId, DateOnly From, DateOnly To, ReportGrouping GroupBy = ReportGrouping.Resource, Guid? FloorId = null,
    ResourceKind? Kind = null, string? Feature = null)
{
    /// <summary>A year and a bit, so a calendar year with its edges fits and a typo of a decade does not.</summary>
    public const int LongestDays = 400;
}

/// <summary>One row of the utilization report (SPEC §9): hours as decimals to 4 places, utilization null where nothing was open.</summary>
public sealed record UtilizationRow(string Key, string Name, decimal OpenHours, decimal BookedHours, decimal? Utilization);

public abstract record ReportResult<T>
{
    private ReportResult()
    {
    }

    public sealed record Ok(IReadOnlyList<T> Rows) : ReportResult<T>;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ReportResult<T>;

    public sealed record NotFound : ReportResult<T>;

    public sealed record Forbidden : ReportResult<T>;
}

/// <summary>
/// Booked hours ÷ open hours, computed in PostgreSQL with multiranges: each local day's opening intervals become
/// instants in the location's zone (so a daylight-saving day has its real length), closures drop whole days,
/// maintenance is cut out of each resource's open time, and the own time of every booking that held the resource
/// (a no-show until it was released) is intersected with what is left.
/// </summary>
public sealed class UtilizationReport(IDbContextFactory<BookingDbContext> contexts)
{
    private sealed record ResourceHours(Guid Id, string Name, Guid FloorId, string FloorName, string Kind, decimal OpenHours, decimal BookedHours);

    public async Task<ReportResult<UtilizationRow>> RunAsync(ReportQuery query, Actor reader, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (query.To <= query.From)
        {
            errors.Add("to", "'to' must be a later date than 'from' (it is exclusive).");
        }
        else if (query.To.DayNumber - query.From.DayNumber > ReportQuery.LongestDays)
        {
            errors.Add("to", $"A report covers at most {ReportQuery.LongestDays} days.");
        }

        if (!errors.IsEmpty)
        {
            return new ReportResult<UtilizationRow>.Invalid(errors.ToDictionary());
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var location = await db.Locations.AsNoTracking().Where(l => l.Id == query.LocationId).Select(l => new { l.Id, l.Name }).FirstOrDefaultAsync(ct);
        if (location is null)
        {
            return new ReportResult<UtilizationRow>.NotFound();
        }

        if (!reader.OperatesAt(location.Id))
        {
            return new ReportResult<UtilizationRow>.Forbidden();
        }

        var resources = await db.Database.SqlQueryRaw<ResourceHours>(Sql,
                new NpgsqlParameter("location", query.LocationId),
                new NpgsqlParameter("from_day", query.From),
                new NpgsqlParameter("to_day", query.To),
                new NpgsqlParameter("floor", (object?)query.FloorId ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid },
                new NpgsqlParameter("kind", (object?)query.Kind?.ToString() ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                new NpgsqlParameter("feature", (object?)query.Feature ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text })
            .ToListAsync(ct);

        var rows = resources
            .GroupBy(r => query.GroupBy switch
            {
                ReportGrouping.Resource => (Key: r.Id.ToString(), Name: r.Name),
                ReportGrouping.Floor => (Key: r.FloorId.ToString(), Name: r.FloorName),
                ReportGrouping.Kind => (Key: r.Kind.ToLowerInvariant(), Name: r.Kind),
                _ => (Key: location.Id.ToString(), Name: location.Name),
            })
            .Select(g =>
            {
                var open = g.Sum(r => r.OpenHours);
                var booked = g.Sum(r => r.BookedHours);
                return new UtilizationRow(g.Key.Key, g.Key.Name, Round(open), Round(booked), open == 0 ? null : Round(booked / open));
            })
            .OrderBy(r => r.Name, StringComparer.Create(CultureInfo.InvariantCulture, CompareOptions.NumericOrdering))
            .ToList();
        return new ReportResult<UtilizationRow>.Ok(rows);
    }

    private static decimal Round(decimal value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Opening hours and closures are the location's jsonb columns (weekday numbers as .NET's DayOfWeek, Sunday 0,
    /// which is PostgreSQL's dow too; an end of midnight means the end of the day). Booked time is clipped to the
    /// window first so a long booking at its edge counts only inside it.
    /// </summary>
    private const string Sql = """
        WITH loc AS (
            SELECT time_zone_id AS tz, opening_hours, closures FROM locations WHERE id = @location
        ),
        open_time AS (
            SELECT coalesce(range_agg(tstzrange(
                       (d.day + i.start) AT TIME ZONE loc.tz,
                       CASE WHEN i."end" = time '00:00' THEN (d.day + 1)::timestamp AT TIME ZONE loc.tz
                            ELSE (d.day + i."end") AT TIME ZONE loc.tz END)),
                   tstzmultirange()) AS open
            FROM loc
            CROSS JOIN LATERAL (SELECT g::date AS day FROM generate_series(@from_day::date, @to_day::date - 1, interval '1 day') g) d
            CROSS JOIN LATERAL jsonb_to_recordset(loc.opening_hours) AS i(day int, start time, "end" time)
            WHERE i.day = extract(dow FROM d.day)
              AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(loc.closures) AS c("from" date, "to" date) WHERE d.day BETWEEN c."from" AND c."to")
        ),
        per_resource AS (
            SELECT r.id, r.name, r.floor_id, f.name AS floor_name, r.kind,
                   (SELECT open FROM open_time)
                     - coalesce((SELECT range_agg(tstzrange(m.start_utc, m.end_utc)) FROM maintenance_blocks m WHERE m.resource_id = r.id),
                                tstzmultirange()) AS open,
                   coalesce((SELECT range_agg(tstzrange(b.start_utc,
                                                        CASE WHEN b.status = 'NoShow' THEN least(b.end_utc, greatest(b.start_utc, b.changed_at)) ELSE b.end_utc END))
                             FROM allocations a JOIN bookings b ON b.id = a.booking_id
                             WHERE a.resource_id = r.id
                               AND b.status IN ('Confirmed', 'CheckedIn', 'Completed', 'NoShow')
                               AND b.start_utc < (SELECT upper(open) FROM open_time)
                               AND b.end_utc > (SELECT lower(open) FROM open_time)),
                            tstzmultirange()) AS booked
            FROM resources r
            JOIN floors f ON f.id = r.floor_id
            WHERE r.location_id = @location
              AND (@floor::uuid IS NULL OR r.floor_id = @floor::uuid)
              AND (@kind::text IS NULL OR r.kind = @kind::text)
              AND (@feature::text IS NULL OR @feature::text = ANY (r.features))
        )
        SELECT id AS "Id", name AS "Name", floor_id AS "FloorId", floor_name AS "FloorName", kind AS "Kind",
               (SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x))), 0) / 3600 FROM unnest(open) x)::numeric AS "OpenHours",
               (SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x))), 0) / 3600 FROM unnest(booked * open) x)::numeric AS "BookedHours"
        FROM per_resource
        """;
}
