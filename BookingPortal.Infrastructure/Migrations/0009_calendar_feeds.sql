-- Calendar feeds (RFC 5545) read by calendar apps, and the invitations e-mailed with bookings.

-- LAST-MODIFIED/DTSTAMP of a booking's event: stamped by every change, backfilled from the audit trail.
ALTER TABLE bookings ADD COLUMN changed_at timestamptz;
UPDATE bookings b SET changed_at = coalesce((SELECT max(h.at) FROM booking_history h WHERE h.booking_id = b.id), b.created_at);
-- The backfill queued the deferred live-update triggers (0003), and PostgreSQL alters no table with trigger events
-- pending: run them now (screens reload the same bookings, harmlessly) so the column can be made NOT NULL.
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE bookings ALTER COLUMN changed_at SET NOT NULL;

-- RECURRENCE-ID of a series member: where the rule placed it, kept when the occurrence itself is moved. Members of
-- series made before this migration have no stored rule and are published as events of their own.
ALTER TABLE bookings ADD COLUMN occurrence_start_utc timestamptz;

-- The rule each series was laid out with, so a feed publishes it as one VEVENT with RRULE (series id = UID).
CREATE TABLE booking_series (
    id uuid PRIMARY KEY,
    time_zone_id text NOT NULL,
    first_start_utc timestamptz NOT NULL,
    first_end_utc timestamptz NOT NULL,
    frequency text NOT NULL CHECK (frequency IN ('Daily', 'Weekly', 'Monthly')),
    interval integer NOT NULL CHECK (interval BETWEEN 1 AND 99),
    days_of_week text NOT NULL,
    occurrence_count integer CHECK (occurrence_count BETWEEN 1 AND 100),
    until_date date,
    created_at timestamptz NOT NULL,
    CHECK ((occurrence_count IS NULL) <> (until_date IS NULL))
);

-- Secret subscription links (…/calendar.ics?token=): only the SHA-256 of the secret is kept, as for display links.
-- A user has at most one live link per feed; making a new one revokes the old one in the same transaction.
CREATE TABLE calendar_feed_links (
    id uuid PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    feed text NOT NULL CHECK (feed IN ('Mine', 'Resource', 'Location')),
    target_id uuid,
    token_hash text NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    last_used_at timestamptz,
    CHECK ((feed = 'Mine') = (target_id IS NULL))
);
-- Opening a link by its secret.
CREATE UNIQUE INDEX ix_calendar_feed_links_token_hash ON calendar_feed_links (token_hash);
-- "My links" and the one-live-link-per-feed rule.
CREATE UNIQUE INDEX ix_calendar_feed_links_live ON calendar_feed_links (user_id, feed, coalesce(target_id, '00000000-0000-0000-0000-000000000000'))
    WHERE revoked_at IS NULL;
