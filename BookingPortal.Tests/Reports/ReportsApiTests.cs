using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BookingPortal.Tests.Api;
using CsvHelper;

namespace BookingPortal.Tests.Reports;

/// <summary>The utilization report over HTTP: JSON and the same rows as CSV, who may read it, and refused input.</summary>
public class ReportsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private string Path(string query = "") => $"/api/reports/utilization?locationId={api.Venue.Location.Id}&from=2027-03-09&to=2027-03-10{query}";

    private async Task BookAuroraAsync()
    {
        using var alice = api.As(ApiFixture.Alice);
        var range = api.Venue.At(new DateOnly(2027, 3, 9), "09:00", "11:00");
        // The tests of this class share the fixture's venue: the key makes a second request replay the first.
        var response = await ApiFixture.PostBookingAsync(alice,
            new { resourceIds = new[] { api.Venue["Aurora"].Id }, start = range.Start, end = range.End, title = "Report me", attendeeCount = 2 }, "report-aurora");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_report_answers_json_and_the_same_rows_as_csv()
    {
        await BookAuroraAsync();
        using var ada = api.As(ApiFixture.Ada);

        var rows = await ada.GetFromJsonAsync<JsonElement>(Path());
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, Path());
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csvAnswer = await ada.SendAsync(csvRequest);
        var byFormat = await ada.GetAsync(Path("&format=csv"));

        // Tuesday 07:00–20:00 is 13 open hours; the booking holds 2 of them.
        var aurora = Assert.Single(rows.EnumerateArray(), r => r.GetProperty("name").GetString() == "Aurora");
        Assert.Equal(13m, aurora.GetProperty("openHours").GetDecimal());
        Assert.Equal(2m, aurora.GetProperty("bookedHours").GetDecimal());
        Assert.Equal(0.1538m, aurora.GetProperty("utilization").GetDecimal());
        Assert.Equal("text/csv", csvAnswer.Content.Headers.ContentType?.MediaType);
        var csv = await csvAnswer.Content.ReadAsStringAsync();
        Assert.Equal(csv, await byFormat.Content.ReadAsStringAsync());
        using var reader = CsvReader.Create(new StringReader(csv), new CsvReaderOptions { HasHeader = true }, leaveOpen: false);
        Assert.Equal(["key", "name", "openHours", "bookedHours", "utilization"], reader.Headers);
        var parsed = new List<(string Key, decimal Open, decimal Booked, decimal? Utilization)>();
        while (reader.Read())
        {
            var utilization = reader.GetString(4);
            parsed.Add((reader.GetString(0), decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                decimal.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
                utilization.Length == 0 ? null : decimal.Parse(utilization, CultureInfo.InvariantCulture)));
        }

        Assert.Equal(rows.EnumerateArray().Select(r => (r.GetProperty("key").GetString()!, r.GetProperty("openHours").GetDecimal(),
                r.GetProperty("bookedHours").GetDecimal(),
                r.GetProperty("utilization").ValueKind == JsonValueKind.Null ? (decimal?)null : r.GetProperty("utilization").GetDecimal())),
            parsed);
    }

    [Theory]
    [InlineData("utilization")]
    [InlineData("heatmap")]
    [InlineData("attendance")]
    [InlineData("right-sizing")]
    [InlineData("demand")]
    [InlineData("trends")]
    [InlineData("bookings")]
    public async Task Each_report_answers_csv_that_parses_back_to_its_json(string report)
    {
        await BookAuroraAsync();
        using var ada = api.As(ApiFixture.Ada);
        var path = $"/api/reports/{report}?locationId={api.Venue.Location.Id}&from=2027-03-08&to=2027-03-15";

        var json = (await ada.GetFromJsonAsync<JsonElement>(path)).EnumerateArray().ToList();
        var csvAnswer = await ada.GetAsync(path + "&format=csv");

        Assert.Equal("text/csv", csvAnswer.Content.Headers.ContentType?.MediaType);
        var csv = await csvAnswer.Content.ReadAsStringAsync();
        Assert.NotEmpty(json);
        using var reader = CsvReader.Create(new StringReader(csv), new CsvReaderOptions { HasHeader = true }, leaveOpen: false);
        var rows = 0;
        while (reader.Read())
        {
            var expected = json[rows++];
            Assert.Equal(expected.EnumerateObject().Select(p => p.Name), reader.Headers);
            for (var column = 0; column < reader.Headers!.Count; column++)
            {
                var value = expected.GetProperty(reader.Headers[column]);
                var text = reader.GetString(column);
                switch (value.ValueKind)
                {
                    case JsonValueKind.Number:
                        Assert.Equal(value.GetDecimal(), decimal.Parse(text, CultureInfo.InvariantCulture));
                        break;
                    case JsonValueKind.Null:
                        Assert.Equal(string.Empty, text);
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        Assert.Equal(value.GetBoolean(), bool.Parse(text));
                        break;
                    default:
                        Assert.Equal(value.GetString(), text);
                        break;
                }
            }
        }

        Assert.Equal(json.Count, rows);
    }

    [Fact]
    public async Task A_booking_refused_over_http_shows_in_the_demand_report()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        using var ada = api.As(ApiFixture.Ada);
        var range = api.Venue.At(new DateOnly(2027, 3, 16), "09:00", "10:00");
        var body = new { resourceIds = new[] { api.Venue["Borealis"].Id }, start = range.Start, end = range.End, title = "Wanted", attendeeCount = 3 };
        var demand = $"/api/reports/demand?locationId={api.Venue.Location.Id}&from=2027-03-16&to=2027-03-17";
        var before = (await ada.GetFromJsonAsync<JsonElement>(demand))[0].GetProperty("conflictsRefused").GetInt32();

        Assert.True((await ApiFixture.PostBookingAsync(alice, body, "demand-holder")).IsSuccessStatusCode);
        Assert.True((await ApiFixture.PostBookingAsync(alice, body, "demand-holder")).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await ApiFixture.PostBookingAsync(bob, body, "demand-refused")).StatusCode);

        var after = await ada.GetFromJsonAsync<JsonElement>(demand);
        Assert.Equal(before + 1, after[0].GetProperty("conflictsRefused").GetInt32());
    }

    [Fact]
    public async Task Admins_and_the_locations_operators_read_it_others_do_not()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var olga = api.As(ApiFixture.Olga);
        using var oskar = api.As(ApiFixture.Oskar);
        using var ada = api.As(ApiFixture.Ada);
        using var anonymous = api.Anonymous();

        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync(Path())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await oskar.GetAsync(Path())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await olga.GetAsync(Path())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Path())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await ada.GetAsync($"/api/reports/utilization?locationId={Guid.NewGuid()}&from=2027-03-09&to=2027-03-10")).StatusCode);
    }

    [Fact]
    public async Task Bad_parameters_name_their_field_and_report_nothing()
    {
        using var ada = api.As(ApiFixture.Ada);
        var cases = new (string Query, string Field)[]
        {
            ("/api/reports/utilization?from=2027-03-09&to=2027-03-10", "locationId"),
            ($"/api/reports/utilization?locationId={api.Venue.Location.Id}&from=09/03/2027&to=2027-03-10", "from"),
            ($"/api/reports/utilization?locationId={api.Venue.Location.Id}&from=2027-03-09", "to"),
            ($"/api/reports/utilization?locationId={api.Venue.Location.Id}&from=2027-03-10&to=2027-03-09", "to"),
            ($"/api/reports/utilization?locationId={api.Venue.Location.Id}&from=2020-01-01&to=2030-01-01", "to"),
            (Path("&groupBy=weekly"), "groupBy"),
            (Path("&groupBy=7"), "groupBy"),
            (Path("&kind=castle"), "kind"),
        };

        foreach (var (query, field) in cases)
        {
            var response = await ada.GetAsync(query);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"{query}: {errors}");
        }
    }
}
