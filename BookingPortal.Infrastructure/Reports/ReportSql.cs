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

    /// <summary>Statuses of bookings that held their resource: a no-show held it until it was released.</summary>
    public const string Holding = "('Confirmed', 'CheckedIn', 'Completed', 'NoShow')";

    /// <summary>Bookings with an allocation on <c>r</c> whose own start falls in the window (alias <c>b</c>; needs <c>loc</c>).</summary>
    public const string StartingInWindow = """
        allocations a JOIN bookings b ON b.id = a.booking_id
        WHERE a.resource_id = r.id
          AND b.start_utc >= (SELECT window_start FROM loc) AND b.start_utc < (SELECT window_end FROM loc)
        """;

    /// <summary>Resource <c>r</c>'s open time: the location's, less its maintenance blocks.</summary>
    public const string OpenForResource = """
        ((SELECT open FROM open_time)
          - coalesce((SELECT range_agg(tstzrange(m.start_utc, m.end_utc)) FROM maintenance_blocks m WHERE m.resource_id = r.id),
                     tstzmultirange()))
        """;

    /// <summary>
    /// The own time (buffers excluded) of the bookings that held resource <c>r</c> near the window, as one multirange;
    /// intersect it with open time. The allocation's blocked range covers the booking's own time, so filtering on it
    /// lets the resource-and-range index find the rows.
    /// </summary>
    public const string HeldTime = $"""
        coalesce((SELECT range_agg(tstzrange(b.start_utc,
                                             CASE WHEN b.status = 'NoShow' THEN least(b.end_utc, greatest(b.start_utc, b.changed_at)) ELSE b.end_utc END))
                  FROM allocations a JOIN bookings b ON b.id = a.booking_id
                  WHERE a.resource_id = r.id
                    AND a.blocked_range && tstzrange((SELECT lower(open) FROM open_time), (SELECT upper(open) FROM open_time))
                    AND b.status IN {Holding}
                    AND b.start_utc < (SELECT upper(open) FROM open_time)
                    AND b.end_utc > (SELECT lower(open) FROM open_time)),
                 tstzmultirange())
        """;

    /// <summary>
    /// CTEs ending in <c>hourly(local, open_hours, booked_hours)</c>: resource-hours open and held in each hour of the
    /// window, hours counted as real instants from the window's local midnight, so a spring-forward day has no 02:00
    /// and an autumn one has two, both labelled 02:00 on the wall clock. Open pieces are the location's (weighed by the
    /// number of chosen resources) less each resource's maintenance; held pieces are already cut to open time, so
    /// each piece is split over only the hours it touches.
    /// </summary>
    public const string Hourly = $"""
        {Window},
        chosen AS (
            SELECT {OpenForResource} AS open, {HeldTime} AS held
            FROM resources r
            WHERE {Chosen}
        ),
        pieces AS (
            SELECT (SELECT count(*) FROM chosen)::numeric AS open_weight, 0 AS booked_weight, x AS piece FROM open_time, unnest(open) x
            UNION ALL
            SELECT -1, 0, x FROM chosen c, unnest((SELECT open FROM open_time) - c.open) x
            UNION ALL
            SELECT 0, 1, x FROM chosen c, unnest(c.held * c.open) x
        ),
        cut AS (
            SELECT k, p.open_weight, p.booked_weight,
                   extract(epoch FROM upper(p.piece * s.slot) - lower(p.piece * s.slot)) / 3600 AS hours
            FROM pieces p
            CROSS JOIN loc
            CROSS JOIN LATERAL generate_series(floor(extract(epoch FROM lower(p.piece) - loc.window_start) / 3600)::int,
                                               ceil(extract(epoch FROM upper(p.piece) - loc.window_start) / 3600)::int - 1) k
            CROSS JOIN LATERAL (SELECT tstzrange(loc.window_start + k * interval '1 hour', loc.window_start + (k + 1) * interval '1 hour') AS slot) s
        ),
        hourly AS (
            SELECT (loc.window_start + k * interval '1 hour') AT TIME ZONE loc.tz AS local,
                   coalesce(sum(open_weight * hours), 0)::numeric AS open_hours,
                   coalesce(sum(booked_weight * hours), 0)::numeric AS booked_hours
            FROM cut CROSS JOIN loc
            GROUP BY k, loc.window_start, loc.tz
        )
        """;

    /// <summary>Hours in a multirange.</summary>
    public static string Hours(string multirange) =>
        $"(SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x))), 0) / 3600 FROM unnest({multirange}) x)::numeric";
}
