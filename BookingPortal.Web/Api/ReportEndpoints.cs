using System.Globalization;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Reports;
using CsvHelper;

namespace BookingPortal.Web.Api;

/// <summary>Space-use reports (SPEC §9): JSON rows, or the same rows as CSV with <c>Accept: text/csv</c> or <c>format=csv</c>.</summary>
internal static class ReportEndpoints
{
    public const string CsvContentType = "text/csv";

    /// <summary>Four decimals, as the JSON carries them (SPEC §9).</summary>
    private const string HoursFormat = "0.0000";

    private const string Parameters = "`from` and `to` are local dates (yyyy-MM-dd) in the location's zone, `to` exclusive, at most 400 days apart; "
        + "optional `floorId`, `kind`, `feature` narrow the resources. ";

    private delegate Task<ReportResult<T>> Runner<T>(IServiceProvider services, ReportQuery query, Actor reader, CancellationToken ct);

    private sealed record Report<T>(string Name, Runner<T> Run, IReadOnlyList<(string Header, Func<T, string> Value)> Columns);

    private static readonly Report<UtilizationRow> Utilization = new("utilization", Use<UtilizationReport, UtilizationRow>((r, q, a, ct) => r.RunAsync(q, a, ct)),
        [("key", r => r.Key), ("name", r => r.Name), ("openHours", r => Hours(r.OpenHours)), ("bookedHours", r => Hours(r.BookedHours)),
            ("utilization", r => Hours(r.Utilization))]);

    private static readonly Report<HeatmapCell> Heatmap = new("heatmap", Use<OccupancyHeatmap, HeatmapCell>((r, q, a, ct) => r.RunAsync(q, a, ct)),
        [("weekday", r => r.Weekday.ToString()), ("hour", r => Count(r.Hour)), ("openHours", r => Hours(r.OpenHours)), ("bookedHours", r => Hours(r.BookedHours)),
            ("share", r => Hours(r.Share))]);

    private static readonly Report<AttendanceRow> Attendance = new("attendance", Use<AttendanceReport, AttendanceRow>((r, q, a, ct) => r.RunAsync(q, a, ct)),
        [("key", r => r.Key), ("name", r => r.Name), ("held", r => Count(r.Held)), ("cancelled", r => Count(r.Cancelled)),
            ("cancellationRate", r => Hours(r.CancellationRate)), ("due", r => Count(r.Due)), ("noShows", r => Count(r.NoShows)),
            ("noShowRate", r => Hours(r.NoShowRate)), ("checkInDue", r => Count(r.CheckInDue)), ("ghosts", r => Count(r.Ghosts)),
            ("ghostRate", r => Hours(r.GhostRate)), ("cancelledUnderHour", r => Count(r.CancelledUnderHour)),
            ("cancelledUnderDay", r => Count(r.CancelledUnderDay)), ("cancelledUnderWeek", r => Count(r.CancelledUnderWeek)),
            ("cancelledEarlier", r => Count(r.CancelledEarlier))]);

    private static readonly Report<RightSizingRow> RightSizing = new("right-sizing",
        Use<RightSizingReport, RightSizingRow>((r, q, a, ct) => r.RunAsync(q, a, ct)),
        [("key", r => r.Key), ("name", r => r.Name), ("capacity", r => Count(r.Capacity)), ("meetings", r => Count(r.Meetings)),
            ("upToQuarter", r => Count(r.UpToQuarter)), ("upToHalf", r => Count(r.UpToHalf)), ("upToThreeQuarters", r => Count(r.UpToThreeQuarters)),
            ("aboveThreeQuarters", r => Count(r.AboveThreeQuarters)), ("medianAttendees", r => Count(r.MedianAttendees)),
            ("p80Attendees", r => Count(r.P80Attendees)), ("smallerFitKey", r => r.SmallerFitKey ?? string.Empty),
            ("smallerFitName", r => r.SmallerFitName ?? string.Empty), ("smallerFitCapacity", r => Count(r.SmallerFitCapacity))]);

    private static readonly Report<DemandRow> Demand = new("demand", Use<DemandReport, DemandRow>((r, q, a, ct) => r.RunAsync(q, a, ct)),
        [("conflictsRefused", r => Count(r.ConflictsRefused)), ("waitlistJoins", r => Count(r.WaitlistJoins)), ("waitlistPromoted", r => Count(r.WaitlistPromoted)),
            ("promotionRate", r => Hours(r.PromotionRate)), ("emptySearches", r => Count(r.EmptySearches))]);

    private static readonly Report<TrendRow> Trends = new("trends", Use<WeeklyTrend, TrendRow>((r, q, a, ct) => r.RunAsync(q, a, ct)),
        [("weekStart", r => r.WeekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("openHours", r => Hours(r.OpenHours)),
            ("bookedHours", r => Hours(r.BookedHours)), ("utilization", r => Hours(r.Utilization))]);

    private static readonly Report<BookingFactRow> Bookings = new("bookings", Use<BookingFacts, BookingFactRow>((r, q, a, ct) => r.RunAsync(q, a, ct)),
        [("bookingId", r => r.BookingId.ToString()), ("resourceId", r => r.ResourceId.ToString()), ("resourceName", r => r.ResourceName),
            ("kind", r => r.Kind), ("floorName", r => r.FloorName), ("capacity", r => Count(r.Capacity)), ("localStart", r => Local(r.LocalStart)),
            ("localEnd", r => Local(r.LocalEnd)), ("status", r => r.Status), ("checkedIn", r => r.CheckedIn ? "true" : "false"),
            ("attendees", r => Count(r.Attendees)), ("seriesId", r => r.SeriesId?.ToString() ?? string.Empty)]);

    public static RouteGroupBuilder MapReports(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports");
        Map(reports, Utilization, "GetUtilizationReport",
            "Booked hours ÷ open hours per resource, floor, location or kind for local dates [from, to) (admins; operators for their locations)",
            "`groupBy` resource (default), floor, location or kind. Open hours are the opening intervals minus closures and the resource's "
            + "maintenance; booked hours are the held time of confirmed, checked-in and completed bookings and of no-shows until their release, "
            + "within open hours.");
        Map(reports, Heatmap, "GetOccupancyHeatmap", "Share of open resource-hours held per weekday and local hour (168 cells, Monday first)",
            "Each cell sums every hour of the window on that weekday and wall-clock hour; a spring-forward day has no 02:00, an autumn one counts it twice.");
        Map(reports, Attendance, "GetAttendanceReport", "Ghost, no-show and cancellation rates and cancellation lead times per resource, floor, location or kind",
            "`groupBy` as for utilization. Bookings starting in the window, once per resource. Ghost: a held booking past its start and grace "
            + "period on a resource that requires check-in, never checked in. Lead time buckets: under 1 h (or after the start), 1–24 h, 1–7 days, longer.");
        Map(reports, RightSizing, "GetRightSizingReport", "Attendees ÷ capacity per resource, and a smaller resource that would seat its 80th-percentile meeting",
            "Held bookings starting in the window; the smaller fit is the smallest other active resource of the same kind at the location.");
        Map(reports, Demand, "GetDemandReport", "Conflicts refused, wait-list joins and promotions, and room searches that found nothing",
            "One row; requests starting in the window, each counted once.");
        Map(reports, Trends, "GetUtilizationTrend", "Utilization per local Monday-to-Sunday week of the window",
            "Weeks at the window's edges count only their days inside it.");
        Map(reports, Bookings, "GetBookingFacts", "Raw booking facts: every booking starting in the window, one row per resource, local times",
            "Any status; times are the location's wall clock without offset.");
        return api;
    }

    /// <summary>The reports page's "Download CSV" links: the browser follows them with the signed-in cookie, not a bearer token.</summary>
    public static void MapReportDownloads(this WebApplication app)
    {
        Download(app, Utilization);
        Download(app, Heatmap);
        Download(app, Attendance);
        Download(app, RightSizing);
        Download(app, Demand);
        Download(app, Trends);
        Download(app, Bookings);
    }

    private static Runner<T> Use<TReport, T>(Func<TReport, ReportQuery, Actor, CancellationToken, Task<ReportResult<T>>> run)
        where TReport : notnull =>
        (services, query, reader, ct) => run(services.GetRequiredService<TReport>(), query, reader, ct);

    private static void Map<T>(RouteGroupBuilder reports, Report<T> report, string name, string summary, string description) =>
        reports.MapGet($"/{report.Name}", (HttpContext http, Guid? locationId,
                [QueryValue(typeof(string), "First local day (yyyy-MM-dd), required.", Format = "date", Required = true)] string? from,
                [QueryValue(typeof(string), "Local day after the last (yyyy-MM-dd), required; at most 400 days after 'from'.", Format = "date", Required = true)] string? to,
                [QueryValue(typeof(ReportGrouping), "Rows per resource (default), floor, location or kind.")] string? groupBy, Guid? floorId,
                [QueryValue(typeof(ResourceKind), "Only resources of this kind.")] string? kind,
                string? feature, string? format) => RunAsync(http, report, new(locationId, from, to, groupBy, floorId, kind, feature, format)))
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(Parameters + description)
            .Produces<List<T>>()
            .Produces(StatusCodes.Status200OK, contentType: CsvContentType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static void Download<T>(WebApplication app, Report<T> report) =>
        app.MapGet($"/reports/{report.Name}.csv", (HttpContext http, Guid? locationId, string? from, string? to, string? groupBy, Guid? floorId, string? kind,
                string? feature) => RunAsync(http, report, new(locationId, from, to, groupBy, floorId, kind, feature, "csv")))
            .RequireAuthorization()
            .ExcludeFromDescription();

    /// <summary>A report's query parameters, as sent.</summary>
    private sealed record Sent(Guid? LocationId, string? From, string? To, string? GroupBy, Guid? FloorId, string? Kind, string? Feature, string? Format);

    private static async Task<IResult> RunAsync<T>(HttpContext http, Report<T> report, Sent sent)
    {
        var (locationId, from, to, floorId, feature, format) = (sent.LocationId, sent.From, sent.To, sent.FloorId, sent.Feature, sent.Format);
        var errors = new Dictionary<string, string[]>();
        var start = LocalDate("from", from, errors);
        var end = LocalDate("to", to, errors);
        if (locationId is null)
        {
            errors["locationId"] = ["Choose the location to report on."];
        }

        var reader = new QueryReader();
        var grouping = reader.Enum<ReportGrouping>("groupBy", sent.GroupBy) ?? ReportGrouping.Resource;
        var resourceKind = reader.Enum<ResourceKind>("kind", sent.Kind);
        foreach (var (field, messages) in reader.Errors.ToDictionary())
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var query = new ReportQuery(locationId!.Value, start!.Value, end!.Value, grouping, floorId, resourceKind, string.IsNullOrWhiteSpace(feature) ? null : feature.Trim());
        return await report.Run(http.RequestServices, query, http.User.ToActor(), http.RequestAborted) switch
        {
            ReportResult<T>.Ok ok when WantsCsv(http, format) => Csv(report, ok.Rows, $"{report.Name}-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}.csv"),
            ReportResult<T>.Ok ok => TypedResults.Ok(ok.Rows),
            ReportResult<T>.Invalid invalid => Problems.Validation(invalid.Errors),
            ReportResult<T>.Forbidden => Problems.Forbidden("Reports are for admins, and for operators of their own locations."),
            _ => Problems.NotFound("The location"),
        };
    }

    private static DateOnly? LocalDate(string field, string? value, Dictionary<string, string[]> errors)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors[field] = [value is null ? $"'{field}' is required: a local date such as 2027-03-01." : $"'{field}' must be a local date such as 2027-03-01."];
        return null;
    }

    private static bool WantsCsv(HttpContext http, string? format) =>
        string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
        || http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(CsvContentType, StringComparison.OrdinalIgnoreCase));

    private static string Hours(decimal? value) => value?.ToString(HoursFormat, CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Local(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static IResult Csv<T>(Report<T> report, IReadOnlyList<T> rows, string fileName)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
        {
            foreach (var (header, _) in report.Columns)
            {
                csv.WriteField(header);
            }

            csv.EndRecord();
            foreach (var row in rows)
            {
                foreach (var (_, value) in report.Columns)
                {
                    csv.WriteField(value(row));
                }

                csv.EndRecord();
            }
        }

        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text.ToString()), $"{CsvContentType}; charset=utf-8", fileName);
    }
}
