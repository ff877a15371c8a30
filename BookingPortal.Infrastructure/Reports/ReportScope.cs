using System.Globalization;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace BookingPortal.Infrastructure.Reports;

/// <summary>The location a report reads, once its window is valid and its reader may see it.</summary>
public sealed record ReportLocation(Guid Id, string Name, string TimeZone);

/// <summary>What a per-resource figure needs to be grouped by resource, floor, location or kind.</summary>
internal interface IResourceFigure
{
    Guid Id { get; }
    string Name { get; }
    Guid FloorId { get; }
    string FloorName { get; }
    string Kind { get; }
}

/// <summary>What every report checks before it reads: a sane window, an existing location, a reader who operates there.</summary>
internal static class ReportScope
{
    public static async Task<ReportResult<T>> RunAsync<T>(IDbContextFactory<BookingDbContext> contexts, ReportQuery query, Actor reader,
        Func<BookingDbContext, ReportLocation, Task<IReadOnlyList<T>>> rows, CancellationToken ct, bool readsSummary = true)
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
            return new ReportResult<T>.Invalid(errors.ToDictionary());
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var location = await db.Locations.AsNoTracking().Where(l => l.Id == query.LocationId)
            .Select(l => new ReportLocation(l.Id, l.Name, l.TimeZoneId)).FirstOrDefaultAsync(ct);
        if (location is null)
        {
            return new ReportResult<T>.NotFound();
        }

        if (!reader.OperatesAt(location.Id))
        {
            return new ReportResult<T>.Forbidden();
        }

        if (readsSummary)
        {
            await ReportUsage.RefreshAsync(db, location.Id, ct);
        }

        return new ReportResult<T>.Ok(await rows(db, location));
    }

    /// <summary>The parameters <see cref="ReportSql"/> fragments name; a command cannot share parameter objects, so each call makes new ones.</summary>
    public static object[] Parameters(ReportQuery query, params NpgsqlParameter[] more) =>
    [
        new NpgsqlParameter("location", query.LocationId),
        new NpgsqlParameter("from_day", query.From),
        new NpgsqlParameter("to_day", query.To),
        new NpgsqlParameter("floor", (object?)query.FloorId ?? DBNull.Value) { NpgsqlDbType = NpgsqlDbType.Uuid },
        new NpgsqlParameter("kind", (object?)query.Kind?.ToString() ?? DBNull.Value) { NpgsqlDbType = NpgsqlDbType.Text },
        new NpgsqlParameter("feature", (object?)query.Feature ?? DBNull.Value) { NpgsqlDbType = NpgsqlDbType.Text },
        .. more,
    ];

    public static readonly StringComparer ByName = StringComparer.Create(CultureInfo.InvariantCulture, CompareOptions.NumericOrdering);

    /// <summary>Groups per-resource figures as the query asks, each group named and keyed, ordered by name with numbers in order.</summary>
    public static IReadOnlyList<TRow> Grouped<TFigure, TRow>(IEnumerable<TFigure> figures, ReportQuery query, ReportLocation location,
        Func<string, string, IReadOnlyCollection<TFigure>, TRow> row, Func<TRow, string> name)
        where TFigure : IResourceFigure =>
        figures
            .GroupBy(r => query.GroupBy switch
            {
                ReportGrouping.Resource => (Key: r.Id.ToString(), Name: r.Name),
                ReportGrouping.Floor => (Key: r.FloorId.ToString(), Name: r.FloorName),
                ReportGrouping.Kind => (Key: r.Kind.ToLowerInvariant(), Name: r.Kind),
                _ => (Key: location.Id.ToString(), Name: location.Name),
            })
            .Select(g => row(g.Key.Key, g.Key.Name, g.ToList()))
            .OrderBy(name, ByName)
            .ToList();

    public static decimal Round(decimal value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    public static decimal? Share(decimal part, decimal whole) => whole == 0 ? null : Round(part / whole);
}
