using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>One week of the trend, named by its Monday; the first and last weeks count only their days inside the window.</summary>
public sealed record TrendRow(DateOnly WeekStart, decimal OpenHours, decimal BookedHours, decimal? Utilization);

/// <summary>Utilization week over week (SPEC §9): the chosen resources' held ÷ open hours per local Monday-to-Sunday week of the window.</summary>
public sealed class WeeklyTrend(IDbContextFactory<BookingDbContext> contexts)
{
    private sealed record Week(DateOnly WeekStart, decimal OpenHours, decimal BookedHours);

    public Task<ReportResult<TrendRow>> RunAsync(ReportQuery query, Actor reader, CancellationToken ct = default) =>
        ReportScope.RunAsync(contexts, query, reader, async (db, _) =>
        {
            var weeks = (await db.Database.SqlQueryRaw<Week>(Sql, ReportScope.Parameters(query)).ToListAsync(ct)).ToDictionary(w => w.WeekStart);
            var first = query.From.AddDays(-(((int)query.From.DayOfWeek + 6) % 7));
            return (IReadOnlyList<TrendRow>)Enumerable.Range(0, (query.To.DayNumber - first.DayNumber + 6) / 7)
                .Select(i =>
                {
                    var monday = first.AddDays(7 * i);
                    var week = weeks.GetValueOrDefault(monday);
                    var open = ReportScope.Round(week?.OpenHours ?? 0);
                    var booked = ReportScope.Round(week?.BookedHours ?? 0);
                    return new TrendRow(monday, open, booked, ReportScope.Share(booked, open));
                })
                .ToList();
        }, ct);

    private const string Sql = $"""
        WITH {ReportSql.Hourly}
        SELECT date_trunc('week', local)::date AS "WeekStart", sum(open_hours) AS "OpenHours", sum(booked_hours) AS "BookedHours"
        FROM hourly
        GROUP BY 1
        """;
}
