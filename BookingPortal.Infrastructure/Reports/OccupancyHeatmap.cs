using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>One weekday × local hour of the heatmap: resource-hours open and held in it over the window; share null where nothing was open.</summary>
public sealed record HeatmapCell(DayOfWeek Weekday, int Hour, decimal OpenHours, decimal BookedHours, decimal? Share);

/// <summary>
/// Occupancy by weekday and local hour (SPEC §9): for each cell, the held resource-hours ÷ the open resource-hours of
/// every hour of the window that falls on that weekday and wall-clock hour. Always 168 cells, Monday first.
/// </summary>
public sealed class OccupancyHeatmap(IDbContextFactory<BookingDbContext> contexts)
{
    private sealed record Cell(int Weekday, int Hour, decimal OpenHours, decimal BookedHours);

    public static readonly IReadOnlyList<DayOfWeek> MondayFirst = [.. Enum.GetValues<DayOfWeek>().Skip(1), DayOfWeek.Sunday];

    public Task<ReportResult<HeatmapCell>> RunAsync(ReportQuery query, Actor reader, CancellationToken ct = default) =>
        ReportScope.RunAsync(contexts, query, reader, async (db, _) =>
        {
            var cells = (await db.Database.SqlQueryRaw<Cell>(Sql, ReportScope.Parameters(query)).ToListAsync(ct))
                .ToDictionary(c => ((DayOfWeek)c.Weekday, c.Hour));
            return (IReadOnlyList<HeatmapCell>)MondayFirst
                .SelectMany(day => Enumerable.Range(0, 24).Select(hour =>
                {
                    var cell = cells.GetValueOrDefault((day, hour));
                    var open = ReportScope.Round(cell?.OpenHours ?? 0);
                    var booked = ReportScope.Round(cell?.BookedHours ?? 0);
                    return new HeatmapCell(day, hour, open, booked, ReportScope.Share(booked, open));
                }))
                .ToList();
        }, ct);

    private const string Sql = $"""
        WITH {ReportSql.Hourly}
        SELECT extract(dow FROM local)::int AS "Weekday", extract(hour FROM local)::int AS "Hour",
               sum(open_hours) AS "OpenHours", sum(booked_hours) AS "BookedHours"
        FROM hourly
        GROUP BY 1, 2
        """;
}
