using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

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
/// (a no-show until it was released) is intersected with what is left, day by day in the summary.
/// </summary>
public sealed class UtilizationReport(IDbContextFactory<BookingDbContext> contexts)
{
    private sealed record ResourceHours(Guid Id, string Name, Guid FloorId, string FloorName, string Kind, decimal OpenHours, decimal BookedHours)
        : IResourceFigure;

    public Task<ReportResult<UtilizationRow>> RunAsync(ReportQuery query, Actor reader, CancellationToken ct = default) =>
        ReportScope.RunAsync(contexts, query, reader, async (db, location) =>
        {
            var resources = await db.Database.SqlQueryRaw<ResourceHours>(Sql, ReportScope.Parameters(query)).ToListAsync(ct);
            return ReportScope.Grouped(resources, query, location, (key, name, group) =>
            {
                var open = group.Sum(r => r.OpenHours);
                var booked = group.Sum(r => r.BookedHours);
                return new UtilizationRow(key, name, ReportScope.Round(open), ReportScope.Round(booked), ReportScope.Share(booked, open));
            }, r => r.Name);
        }, ct);

    /// <summary>
    /// Open hours are the location's less the resource's maintenance; booked hours come from the summary, already cut to
    /// that open time on each day.
    /// </summary>
    private static readonly string Sql = $"""
        WITH {ReportSql.Window},
        chosen AS (
            SELECT r.id, r.name, r.floor_id, f.name AS floor_name, r.kind
            FROM resources r
            JOIN floors f ON f.id = r.floor_id
            WHERE {ReportSql.Chosen}
        ),
        {ReportSql.Maintained},
        held AS (
            SELECT u.resource_id, sum(u.held_total_ms) AS ms
            FROM report_usage u
            WHERE {ReportSql.UsageInWindow}
            GROUP BY u.resource_id
        )
        SELECT c.id AS "Id", c.name AS "Name", c.floor_id AS "FloorId", c.floor_name AS "FloorName", c.kind AS "Kind",
               {ReportSql.Hours("(SELECT open FROM open_time)")} - {ReportSql.Hours("m.closed")} AS "OpenHours",
               (coalesce(h.ms, 0) / 3600000.0)::numeric AS "BookedHours"
        FROM chosen c
        LEFT JOIN maintained m ON m.resource_id = c.id
        LEFT JOIN held h ON h.resource_id = c.id
        """;
}
