using System.Globalization;
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

    public static RouteGroupBuilder MapReports(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/utilization", UtilizationAsync)
            .WithName("GetUtilizationReport")
            .WithSummary("Booked hours ÷ open hours per resource, floor, location or kind for local dates [from, to) (admins; operators for their locations)")
            .WithDescription("`from` and `to` are local dates (yyyy-MM-dd) in the location's zone, `to` exclusive, at most 400 days apart; "
                + "`groupBy` resource (default), floor, location or kind; optional `floorId`, `kind`, `feature`. Open hours are the opening "
                + "intervals minus closures and the resource's maintenance; booked hours are the held time of confirmed, checked-in and "
                + "completed bookings and of no-shows until their release, within open hours.")
            .Produces<List<UtilizationRow>>()
            .Produces(StatusCodes.Status200OK, contentType: CsvContentType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>The reports page's "Download CSV": the browser follows a link with the signed-in cookie, not a bearer token.</summary>
    public static void MapReportDownloads(this WebApplication app) =>
        app.MapGet("/reports/utilization.csv", (HttpContext http, UtilizationReport report, Guid? locationId, string? from, string? to, string? groupBy,
                Guid? floorId, string? kind, string? feature) => UtilizationAsync(http, report, locationId, from, to, groupBy, floorId, kind, feature, "csv"))
            .RequireAuthorization()
            .ExcludeFromDescription();

    private static async Task<IResult> UtilizationAsync(HttpContext http, UtilizationReport report, Guid? locationId, string? from, string? to,
        string? groupBy, Guid? floorId, string? kind, string? feature, string? format)
    {
        var errors = new Dictionary<string, string[]>();
        var start = LocalDate("from", from, errors);
        var end = LocalDate("to", to, errors);
        if (locationId is null)
        {
            errors["locationId"] = ["Choose the location to report on."];
        }

        // groupBy and kind are bound only so the OpenAPI document declares them; QueryReader applies the API's enum rules.
        var reader = new QueryReader(http.Request);
        var grouping = reader.Enum<ReportGrouping>("groupBy") ?? ReportGrouping.Resource;
        var resourceKind = reader.Enum<ResourceKind>("kind");
        foreach (var (field, messages) in reader.Errors.ToDictionary())
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var query = new ReportQuery(locationId!.Value, start!.Value, end!.Value, grouping, floorId, resourceKind, string.IsNullOrWhiteSpace(feature) ? null : feature.Trim());
        return await report.RunAsync(query, http.User.ToActor(), http.RequestAborted) switch
        {
            ReportResult<UtilizationRow>.Ok ok when WantsCsv(http, format) => Csv(ok.Rows, $"utilization-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}.csv"),
            ReportResult<UtilizationRow>.Ok ok => TypedResults.Ok(ok.Rows),
            ReportResult<UtilizationRow>.Invalid invalid => Problems.Validation(invalid.Errors),
            ReportResult<UtilizationRow>.Forbidden => Problems.Forbidden("Reports are for admins, and for operators of their own locations."),
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

    private static IResult Csv(IReadOnlyList<UtilizationRow> rows, string fileName)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
        {
            foreach (var header in new[] { "key", "name", "openHours", "bookedHours", "utilization" })
            {
                csv.WriteField(header);
            }

            csv.EndRecord();
            foreach (var row in rows)
            {
                csv.WriteField(row.Key);
                csv.WriteField(row.Name);
                csv.WriteField(row.OpenHours, HoursFormat, CultureInfo.InvariantCulture);
                csv.WriteField(row.BookedHours, HoursFormat, CultureInfo.InvariantCulture);
                if (row.Utilization is { } utilization)
                {
                    csv.WriteField(utilization, HoursFormat, CultureInfo.InvariantCulture);
                }
                else
                {
                    csv.WriteField(string.Empty);
                }

                csv.EndRecord();
            }
        }

        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text.ToString()), $"{CsvContentType}; charset=utf-8", fileName);
    }
}
