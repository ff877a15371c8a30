-- Calendar sync, the pull half (ADR 019): an event made directly in a linked outside calendar becomes a booking that
-- holds its room through the same exclusion constraint, marked with where it came from; one that collides with a
-- booking held here is listed for admins instead.

ALTER TABLE bookings
    ADD COLUMN outside_provider text,
    ADD COLUMN outside_calendar_id text,
    ADD COLUMN outside_external_id text,
    ADD COLUMN outside_organizer_name text,
    ADD CHECK ((outside_provider IS NULL) = (outside_external_id IS NULL) AND (outside_provider IS NULL) = (outside_calendar_id IS NULL));
-- A pull finds the hold of an outside event by its calendar and id; at most one is alive at a time.
CREATE UNIQUE INDEX ux_bookings_outside_event ON bookings (outside_provider, lower(outside_calendar_id), outside_external_id)
    WHERE outside_external_id IS NOT NULL AND status <> 'Cancelled';

-- Where each link's pull stands. Serves the calendar-pull job and GET /api/sync/status.
ALTER TABLE calendar_links
    ADD COLUMN pull_cursor text,
    -- A link is pulled when this has passed: at once after linking, after a webhook call, and every poll interval.
    ADD COLUMN pull_due_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN full_pull_at timestamptz,
    -- Kept apart from last_error (the push's), so a pull that succeeds does not hide a push that keeps failing.
    ADD COLUMN last_pull_error text,
    ADD COLUMN subscription_id text,
    ADD COLUMN subscription_resource_id text,
    ADD COLUMN subscription_secret text,
    ADD COLUMN subscription_expires_at timestamptz;
CREATE UNIQUE INDEX ux_calendar_links_subscription ON calendar_links (subscription_id) WHERE subscription_id IS NOT NULL;

-- Outside events that could not hold their time because a booking here already does. Serves the admin sync page.
CREATE TABLE sync_conflicts (
    resource_id uuid NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    external_id text NOT NULL,
    provider text NOT NULL,
    start_utc timestamptz NOT NULL,
    end_utc timestamptz NOT NULL,
    subject text,
    organizer_name text,
    organizer_email text,
    conflicting_booking_ids uuid[] NOT NULL,
    detected_at timestamptz NOT NULL,
    PRIMARY KEY (resource_id, external_id)
);
