namespace BookingPortal.Infrastructure.Reports;

/// <summary>
/// SQL the reports share, so each figure counts open and held time the same way (SPEC §9). The fragments name the
/// parameters of <see cref="ReportScope.Parameters"/> and expect the resource table aliased <c>r</c>.
/// </summary>
internal static class ReportSql
{
    /// <summary>
    /// Two CTEs, <c>loc</c> and <c>open_time</c>: the location's opening intervals on each local date of the window as
    /// instants in its zone, less closures. Opening hours and closures are the location's jsonb columns (weekday
    /// numbers as .NET's DayOfWeek, Sunday 0, which is PostgreSQL's dow too; an end of midnight means the end of the day).
    /// </summary>
    public const string Window = """
        loc AS (
            SELECT time_zone_id AS tz, opening_hours, closures, no_show_grace_period AS grace,
                   (@from_day::date)::timestamp AT TIME ZONE time_zone_id AS window_start,
                   (@to_day::date)::timestamp AT TIME ZONE time_zone_id AS window_end
            FROM locations WHERE id = @location
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
        )
        """;

    /// <summary>The resources of the location that pass the report's floor, kind and feature filters.</summary>
    public const string Chosen = """
        r.location_id = @location
          AND (@floor::uuid IS NULL OR r.floor_id = @floor::uuid)
          AND (@kind::text IS NULL OR r.kind = @kind::text)
          AND (@feature::text IS NULL OR @feature::text = ANY (r.features))
        """;

    /// <summary>
    /// Picks the summary rows (<c>report_usage u</c>, migration 0015) of the chosen resources on the window's local
    /// days; needs a CTE <c>chosen(id)</c>. Reports bring the summary up to date first (<see cref="ReportUsage"/>).
    /// </summary>
    public const string UsageInWindow = "u.resource_id IN (SELECT id FROM chosen) AND u.day >= @from_day AND u.day < @to_day";

    /// <summary>CTE <c>maintained(resource_id, closed)</c>: the open time each chosen resource lost to maintenance; needs <c>chosen(id)</c>.</summary>
    public const string Maintained = """
        maintained AS (
            SELECT m.resource_id, range_agg(tstzrange(m.start_utc, m.end_utc)) * (SELECT open FROM open_time) AS closed
            FROM maintenance_blocks m
            WHERE m.resource_id IN (SELECT id FROM chosen)
              AND m.start_utc < (SELECT window_end FROM loc) AND m.end_utc > (SELECT window_start FROM loc)
            GROUP BY m.resource_id
        )
        """;

    /// <summary>
    /// CTEs ending in <c>hourly(local, open_hours, booked_hours)</c>: resource-hours open and held in each hour of the
    /// window, hours counted as real instants from local midnights, so a spring-forward day has no 02:00 and an autumn
    /// one has two, both labelled 02:00 on the wall clock. Open pieces are the location's (weighed by the number of
    /// chosen resources) less each resource's maintenance; held time per hour comes from the summary's groups of alike resources.
    /// </summary>
    public const string Hourly = $"""
        {Window},
        chosen AS (SELECT r.id FROM resources r WHERE {Chosen}),
        {Maintained},
        pieces AS (
            SELECT (SELECT count(*) FROM chosen)::numeric AS weight, x AS piece FROM open_time, unnest(open) x
            UNION ALL
            SELECT -1, x FROM maintained m, unnest(m.closed) x
        ),
        open_slots AS (
            SELECT loc.window_start + k * interval '1 hour' AS slot,
                   p.weight * extract(epoch FROM upper(p.piece * h.span) - lower(p.piece * h.span)) / 3600 AS hours
            FROM pieces p
            CROSS JOIN loc
            CROSS JOIN LATERAL generate_series(floor(extract(epoch FROM lower(p.piece) - loc.window_start) / 3600)::int,
                                               ceil(extract(epoch FROM upper(p.piece) - loc.window_start) / 3600)::int - 1) k
            CROSS JOIN LATERAL (SELECT tstzrange(loc.window_start + k * interval '1 hour', loc.window_start + (k + 1) * interval '1 hour') AS span) h
        ),
        held_days AS (
            SELECT g.day, g.held_ms
            FROM report_usage_groups g
            WHERE g.location_id = @location AND g.day >= @from_day AND g.day < @to_day
              AND (@floor::uuid IS NULL OR g.floor_id = @floor::uuid)
              AND (@kind::text IS NULL OR g.kind = @kind::text)
              AND (@feature::text IS NULL OR @feature::text = ANY (g.features))
        ),
        held_slots AS (
            SELECT (d.day::timestamp AT TIME ZONE loc.tz) + (s.k - 1) * interval '1 hour' AS slot, (s.ms / 3600000.0)::numeric AS hours
            FROM held_days d
            CROSS JOIN loc
            CROSS JOIN LATERAL unnest(d.held_ms) WITH ORDINALITY AS s(ms, k)
            WHERE s.ms > 0
        ),
        hourly AS (
            SELECT x.slot AT TIME ZONE loc.tz AS local, sum(x.open_hours)::numeric AS open_hours, sum(x.booked_hours)::numeric AS booked_hours
            FROM (SELECT slot, hours AS open_hours, 0::numeric AS booked_hours FROM open_slots
                  UNION ALL
                  SELECT slot, 0, hours FROM held_slots) x
            CROSS JOIN loc
            GROUP BY x.slot, loc.tz
        )
        """;

    /// <summary>Hours in a multirange.</summary>
    public static string Hours(string multirange) =>
        $"(SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x))), 0) / 3600 FROM unnest({multirange}) x)::numeric";
}
