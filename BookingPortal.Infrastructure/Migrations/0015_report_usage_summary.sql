-- Reports at scale (issue 16, ADR 015): a year of 2,000 resources holds a million bookings, too many to intersect
-- with opening hours on every read. report_usage keeps, per resource and local day of its location, what the reports
-- need from that day's bookings, already cut to the resource's open time. Writes only mark (resource, day) pairs
-- stale; report_usage_refresh recomputes them, called by every report before it reads and by a Quartz job, so a
-- report is always exact and the marks never pile up.

CREATE TABLE report_usage (
    resource_id uuid NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    day date NOT NULL,
    -- Held ∩ open milliseconds in hour k (index k + 1) counted from the local midnight: 25 slots fit the autumn day.
    -- Integers keep the row narrow and the sums exact.
    held_ms integer[] NOT NULL,
    held_total_ms bigint NOT NULL,
    -- Bookings that held the resource and start this day, ascending; and those of them never checked in.
    starts timestamptz[] NOT NULL,
    unchecked timestamptz[] NOT NULL,
    no_shows integer NOT NULL,
    attendees integer[] NOT NULL,
    cancelled integer NOT NULL,
    cancelled_under_hour integer NOT NULL,
    cancelled_under_day integer NOT NULL,
    cancelled_under_week integer NOT NULL,
    cancelled_earlier integer NOT NULL,
    PRIMARY KEY (resource_id, day)
);

-- The hourly figures summed per location, day and kind of resource (floor, kind, features: what a report can filter
-- on), so the heatmap and the trend read a few rows per day instead of one per resource.
CREATE TABLE report_usage_groups (
    location_id uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    day date NOT NULL,
    floor_id uuid NOT NULL,
    kind text NOT NULL,
    features text[] NOT NULL,
    held_ms bigint[] NOT NULL,
    PRIMARY KEY (location_id, day, floor_id, kind, features)
);

-- Attendee counts per resource and calendar month, for the whole months of a period; its edge days come from
-- report_usage. A month's meetings would otherwise be one unnested value each.
CREATE TABLE report_usage_attendees (
    resource_id uuid NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    month date NOT NULL,
    attendees integer NOT NULL,
    meetings integer NOT NULL,
    PRIMARY KEY (resource_id, month, attendees)
);
CREATE INDEX ix_report_usage_day ON report_usage (day);

-- Append-only so concurrent writers never wait on each other here; a refresh deletes exactly the marks it has seen,
-- so a mark committed while it runs survives for the next one.
CREATE TABLE report_usage_stale (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource_id uuid NOT NULL,
    day date NOT NULL
);
CREATE INDEX ix_report_usage_stale_resource ON report_usage_stale (resource_id);

-- A change of opening hours, closures or time zone touches every day of a location: rebuilt whole.
CREATE TABLE report_usage_stale_locations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location_id uuid NOT NULL
);
CREATE INDEX ix_report_usage_stale_locations ON report_usage_stale_locations (location_id);

-- A resource moved to another floor, kind or features changes its group on every day: the groups are summed again.
CREATE TABLE report_usage_stale_groups (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location_id uuid NOT NULL
);

CREATE FUNCTION report_usage_mark(resource uuid, during tstzrange) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO report_usage_stale (resource_id, day)
    SELECT resource, d::date
    FROM resources r
    JOIN locations l ON l.id = r.location_id
    CROSS JOIN LATERAL generate_series((lower(during) AT TIME ZONE l.time_zone_id)::date,
                                       ((upper(during) - interval '1 microsecond') AT TIME ZONE l.time_zone_id)::date,
                                       interval '1 day') d
    WHERE r.id = resource AND NOT isempty(during);
$$;

CREATE FUNCTION allocations_report_usage_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_usage_mark(OLD.resource_id, tstzrange(OLD.blocked_start, OLD.blocked_end));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF TG_OP = 'INSERT' OR NEW.resource_id <> OLD.resource_id OR NEW.blocked_start <> OLD.blocked_start
           OR NEW.blocked_end <> OLD.blocked_end OR NEW.holds <> OLD.holds THEN
            PERFORM report_usage_mark(NEW.resource_id, tstzrange(NEW.blocked_start, NEW.blocked_end));
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER allocations_report_usage_mark AFTER INSERT OR UPDATE OR DELETE ON allocations
    FOR EACH ROW EXECUTE FUNCTION allocations_report_usage_mark();

-- Check-ins, no-shows, completions and attendee changes leave the allocation as it was.
CREATE FUNCTION bookings_report_usage_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.status, NEW.start_utc, NEW.end_utc, NEW.checked_in_at, NEW.attendee_count, NEW.changed_at)
       IS DISTINCT FROM (OLD.status, OLD.start_utc, OLD.end_utc, OLD.checked_in_at, OLD.attendee_count, OLD.changed_at) THEN
        PERFORM report_usage_mark(a.resource_id, tstzrange(least(OLD.start_utc, NEW.start_utc), greatest(OLD.end_utc, NEW.end_utc)))
        FROM allocations a WHERE a.booking_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER bookings_report_usage_mark AFTER UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_report_usage_mark();

-- Maintenance takes open time away from the days it covers.
CREATE FUNCTION maintenance_blocks_report_usage_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_usage_mark(OLD.resource_id, tstzrange(OLD.start_utc, OLD.end_utc));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_usage_mark(NEW.resource_id, tstzrange(NEW.start_utc, NEW.end_utc));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER maintenance_blocks_report_usage_mark AFTER INSERT OR UPDATE OR DELETE ON maintenance_blocks
    FOR EACH ROW EXECUTE FUNCTION maintenance_blocks_report_usage_mark();

CREATE FUNCTION locations_report_usage_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.opening_hours, NEW.closures, NEW.time_zone_id) IS DISTINCT FROM (OLD.opening_hours, OLD.closures, OLD.time_zone_id) THEN
        INSERT INTO report_usage_stale_locations (location_id) VALUES (NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER locations_report_usage_mark AFTER UPDATE ON locations
    FOR EACH ROW EXECUTE FUNCTION locations_report_usage_mark();

CREATE FUNCTION resources_report_usage_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.location_id <> OLD.location_id THEN
        INSERT INTO report_usage_stale_locations (location_id) VALUES (OLD.location_id), (NEW.location_id);
    ELSIF (NEW.floor_id, NEW.kind, NEW.features) IS DISTINCT FROM (OLD.floor_id, OLD.kind, OLD.features) THEN
        INSERT INTO report_usage_stale_groups (location_id) VALUES (NEW.location_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER resources_report_usage_mark AFTER UPDATE OF location_id, floor_id, kind, features ON resources
    FOR EACH ROW EXECUTE FUNCTION resources_report_usage_mark();

-- Spreads a day's held pieces over the hours counted from its local midnight.
CREATE FUNCTION report_usage_hours(held tstzmultirange, day_start timestamptz) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    ms integer[] := array_fill(0, ARRAY[25]);
    piece tstzrange;
    hour tstzrange;
    k integer;
BEGIN
    FOR piece IN SELECT unnest(held) LOOP
        k := floor(extract(epoch FROM lower(piece) - day_start) / 3600)::integer;
        WHILE k < 25 AND day_start + k * interval '1 hour' < upper(piece) LOOP
            hour := piece * tstzrange(day_start + k * interval '1 hour', day_start + (k + 1) * interval '1 hour');
            ms[k + 1] := ms[k + 1] + coalesce(round(extract(epoch FROM upper(hour) - lower(hour)) * 1000)::integer, 0);
            k := k + 1;
        END LOOP;
    END LOOP;
    RETURN ms;
END $$;

-- Brings one location's summary up to date and answers how many (resource, day) rows it recomputed. One refresh per
-- location at a time: the advisory lock makes a second caller wait, then find little or nothing left to do.
CREATE FUNCTION report_usage_refresh(location uuid) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    rebuild boolean;
    regroup boolean;
    refreshed integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('report_usage:' || location::text, 0));
    IF to_regclass('pg_temp.report_usage_taken') IS NULL THEN
        CREATE TEMP TABLE report_usage_taken (resource_id uuid, day date, location_id uuid, day_start timestamptz, day_end timestamptz)
            ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE report_usage_facts (resource_id uuid, day date, start_utc timestamptz, status text, attendee_count integer,
                                              checked_in_at timestamptz, changed_at timestamptz, end_utc timestamptz, cancelled_at timestamptz)
            ON COMMIT DELETE ROWS;
    END IF;
    DELETE FROM report_usage_taken;
    DELETE FROM report_usage_facts;

    rebuild := EXISTS (SELECT 1 FROM report_usage_stale_locations WHERE location_id = location);
    regroup := rebuild OR EXISTS (SELECT 1 FROM report_usage_stale_groups WHERE location_id = location);
    DELETE FROM report_usage_stale_groups WHERE regroup AND location_id = location;
    IF rebuild THEN
        DELETE FROM report_usage_stale_locations WHERE location_id = location;
        DELETE FROM report_usage_stale s USING resources r WHERE r.id = s.resource_id AND r.location_id = location;
        DELETE FROM report_usage u USING resources r WHERE r.id = u.resource_id AND r.location_id = location;
    END IF;

    WITH marked AS (
        DELETE FROM report_usage_stale s USING resources r
        WHERE NOT rebuild AND r.id = s.resource_id AND r.location_id = location
        RETURNING s.resource_id, s.day)
    INSERT INTO report_usage_taken
    SELECT m.resource_id, m.day, l.id, m.day::timestamp AT TIME ZONE l.time_zone_id, (m.day + 1)::timestamp AT TIME ZONE l.time_zone_id
    FROM (SELECT DISTINCT resource_id, day FROM marked) m
    JOIN resources r ON r.id = m.resource_id
    JOIN locations l ON l.id = r.location_id;

    -- Each booking on every local day its own time touches, with the cancellation that gave up a held slot (a
    -- withdrawn wait-list request is not one). A rebuild hashes all of the location's bookings once; a few marks
    -- let the resource-and-range index find just their rows.
    IF rebuild THEN
        INSERT INTO report_usage_facts
        SELECT a.resource_id, d::date, b.start_utc, b.status, b.attendee_count, b.checked_in_at, b.changed_at, b.end_utc, x.at
        FROM allocations a
        JOIN bookings b ON b.id = a.booking_id
        JOIN resources r ON r.id = a.resource_id
        JOIN locations l ON l.id = r.location_id
        CROSS JOIN LATERAL generate_series((b.start_utc AT TIME ZONE l.time_zone_id)::date,
                                           ((b.end_utc - interval '1 microsecond') AT TIME ZONE l.time_zone_id)::date,
                                           interval '1 day') d
        LEFT JOIN LATERAL (
            SELECT hist.at FROM booking_history hist
            WHERE b.status = 'Cancelled' AND hist.booking_id = b.id AND hist.action = 'cancelled'
              AND hist.from_status IN ('AwaitingApproval', 'Confirmed')
            ORDER BY hist.at DESC LIMIT 1) x ON true
        WHERE r.location_id = location;
        INSERT INTO report_usage_taken
        SELECT DISTINCT f.resource_id, f.day, location, f.day::timestamp AT TIME ZONE l.time_zone_id, (f.day + 1)::timestamp AT TIME ZONE l.time_zone_id
        FROM report_usage_facts f CROSS JOIN locations l
        WHERE l.id = location;
    ELSE
        INSERT INTO report_usage_facts
        SELECT t.resource_id, t.day, b.start_utc, b.status, b.attendee_count, b.checked_in_at, b.changed_at, b.end_utc, x.at
        FROM report_usage_taken t
        JOIN allocations a ON a.resource_id = t.resource_id AND a.blocked_range && tstzrange(t.day_start, t.day_end)
        JOIN bookings b ON b.id = a.booking_id AND b.start_utc < t.day_end AND b.end_utc > t.day_start
        LEFT JOIN LATERAL (
            SELECT hist.at FROM booking_history hist
            WHERE b.status = 'Cancelled' AND hist.booking_id = b.id AND hist.action = 'cancelled'
              AND hist.from_status IN ('AwaitingApproval', 'Confirmed')
            ORDER BY hist.at DESC LIMIT 1) x ON true;
        DELETE FROM report_usage u USING report_usage_taken t WHERE u.resource_id = t.resource_id AND u.day = t.day;
    END IF;
    ANALYZE report_usage_taken;
    ANALYZE report_usage_facts;

    INSERT INTO report_usage (resource_id, day, held_ms, held_total_ms, starts, unchecked, no_shows, attendees, cancelled,
                              cancelled_under_hour, cancelled_under_day, cancelled_under_week, cancelled_earlier)
    WITH open_days AS (
        -- The location's opening intervals that day as instants in its zone; none on a closure.
        SELECT q.location_id, q.day,
               coalesce((SELECT range_agg(tstzrange((q.day + i.start) AT TIME ZONE l.time_zone_id,
                                                    CASE WHEN i."end" = time '00:00' THEN q.day_end ELSE (q.day + i."end") AT TIME ZONE l.time_zone_id END))
                         FROM jsonb_to_recordset(l.opening_hours) AS i(day int, start time, "end" time)
                         WHERE i.day = extract(dow FROM q.day)
                           AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(l.closures) AS z("from" date, "to" date)
                                           WHERE q.day BETWEEN z."from" AND z."to")),
                        tstzmultirange()) AS open
        FROM (SELECT DISTINCT location_id, day, day_end FROM report_usage_taken) q
        JOIN locations l ON l.id = q.location_id
    ),
    maintained AS (
        SELECT m.resource_id, range_agg(tstzrange(m.start_utc, m.end_utc)) AS blocked
        FROM maintenance_blocks m
        WHERE m.resource_id IN (SELECT resource_id FROM report_usage_taken)
        GROUP BY m.resource_id
    ),
    -- Held time is the own time (buffers excluded) of bookings that held the resource, a no-show only until it was
    -- released; the counts are of bookings starting that day.
    per_day AS (
        SELECT t.resource_id, t.day, t.location_id, t.day_start,
               range_agg(tstzrange(f.start_utc, CASE WHEN f.status = 'NoShow' THEN least(f.end_utc, greatest(f.start_utc, f.changed_at))
                                                     ELSE f.end_utc END))
                   FILTER (WHERE f.status IN ('Confirmed', 'CheckedIn', 'Completed', 'NoShow')) AS held,
               array_agg(f.start_utc ORDER BY f.start_utc)
                   FILTER (WHERE f.status IN ('Confirmed', 'CheckedIn', 'Completed', 'NoShow') AND f.start_utc >= t.day_start) AS starts,
               array_agg(f.start_utc ORDER BY f.start_utc)
                   FILTER (WHERE f.status IN ('Confirmed', 'CheckedIn', 'Completed', 'NoShow') AND f.start_utc >= t.day_start
                             AND f.checked_in_at IS NULL) AS unchecked,
               count(*) FILTER (WHERE f.status = 'NoShow' AND f.start_utc >= t.day_start)::int AS no_shows,
               array_agg(f.attendee_count) FILTER (WHERE f.status IN ('Confirmed', 'CheckedIn', 'Completed', 'NoShow') AND f.start_utc >= t.day_start) AS attendees,
               count(f.cancelled_at) FILTER (WHERE f.start_utc >= t.day_start)::int AS cancelled,
               count(*) FILTER (WHERE f.start_utc >= t.day_start AND f.start_utc - f.cancelled_at < interval '1 hour')::int AS under_hour,
               count(*) FILTER (WHERE f.start_utc >= t.day_start AND f.start_utc - f.cancelled_at >= interval '1 hour'
                                  AND f.start_utc - f.cancelled_at < interval '24 hours')::int AS under_day,
               count(*) FILTER (WHERE f.start_utc >= t.day_start AND f.start_utc - f.cancelled_at >= interval '24 hours'
                                  AND f.start_utc - f.cancelled_at < interval '7 days')::int AS under_week,
               count(*) FILTER (WHERE f.start_utc >= t.day_start AND f.start_utc - f.cancelled_at >= interval '7 days')::int AS earlier
        FROM report_usage_taken t
        LEFT JOIN report_usage_facts f ON f.resource_id = t.resource_id AND f.day = t.day
        GROUP BY t.resource_id, t.day, t.location_id, t.day_start
    )
    SELECT d.resource_id, d.day, u.ms, (SELECT sum(v) FROM unnest(u.ms) v),
           coalesce(d.starts, '{}'), coalesce(d.unchecked, '{}'), d.no_shows, coalesce(d.attendees, '{}'),
           d.cancelled, d.under_hour, d.under_day, d.under_week, d.earlier
    FROM per_day d
    JOIN open_days o ON o.location_id = d.location_id AND o.day = d.day
    LEFT JOIN maintained m ON m.resource_id = d.resource_id
    CROSS JOIN LATERAL (SELECT coalesce(d.held, tstzmultirange()) * (o.open - coalesce(m.blocked, tstzmultirange())) AS held) h
    CROSS JOIN LATERAL (SELECT report_usage_hours(h.held, d.day_start) AS ms) u
    WHERE NOT isempty(h.held) OR d.starts IS NOT NULL OR d.cancelled > 0;
    GET DIAGNOSTICS refreshed = ROW_COUNT;

    IF rebuild THEN
        DELETE FROM report_usage_attendees a USING resources r WHERE r.id = a.resource_id AND r.location_id = location;
    ELSE
        DELETE FROM report_usage_attendees a USING (SELECT DISTINCT resource_id, date_trunc('month', day)::date AS month FROM report_usage_taken) t
        WHERE a.resource_id = t.resource_id AND a.month = t.month;
    END IF;
    INSERT INTO report_usage_attendees (resource_id, month, attendees, meetings)
    SELECT u.resource_id, date_trunc('month', u.day)::date, x.attendees, count(*)
    FROM report_usage u
    JOIN (SELECT DISTINCT resource_id, date_trunc('month', day)::date AS month FROM report_usage_taken) t
      ON t.resource_id = u.resource_id AND u.day >= t.month AND u.day < t.month + interval '1 month'
    CROSS JOIN LATERAL unnest(u.attendees) AS x(attendees)
    GROUP BY 1, 2, 3;

    IF regroup THEN
        DELETE FROM report_usage_groups WHERE location_id = location;
    ELSE
        DELETE FROM report_usage_groups g USING (SELECT DISTINCT day FROM report_usage_taken) t
        WHERE g.location_id = location AND g.day = t.day;
    END IF;
    -- Summed slot by slot rather than unnested: a rebuild would otherwise turn every row into 25.
    INSERT INTO report_usage_groups (location_id, day, floor_id, kind, features, held_ms)
    SELECT location, u.day, r.floor_id, r.kind, r.features,
           ARRAY[
                 sum(u.held_ms[1]), sum(u.held_ms[2]), sum(u.held_ms[3]), sum(u.held_ms[4]), sum(u.held_ms[5]),
                 sum(u.held_ms[6]), sum(u.held_ms[7]), sum(u.held_ms[8]), sum(u.held_ms[9]), sum(u.held_ms[10]),
                 sum(u.held_ms[11]), sum(u.held_ms[12]), sum(u.held_ms[13]), sum(u.held_ms[14]), sum(u.held_ms[15]),
                 sum(u.held_ms[16]), sum(u.held_ms[17]), sum(u.held_ms[18]), sum(u.held_ms[19]), sum(u.held_ms[20]),
                 sum(u.held_ms[21]), sum(u.held_ms[22]), sum(u.held_ms[23]), sum(u.held_ms[24]), sum(u.held_ms[25])]
    FROM report_usage u
    JOIN resources r ON r.id = u.resource_id
    WHERE r.location_id = location AND (regroup OR u.day IN (SELECT day FROM report_usage_taken))
    GROUP BY u.day, r.floor_id, r.kind, r.features
    HAVING sum(u.held_total_ms) > 0;
    RETURN refreshed;
END $$;

-- Whatever exists already is built on first use.
INSERT INTO report_usage_stale_locations (location_id) SELECT id FROM locations;
