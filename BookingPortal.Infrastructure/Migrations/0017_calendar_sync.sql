-- Two-way calendar sync, the push half (ADR 018): a resource linked to one outside calendar, an outbox of bookings whose
-- state there is owed, and the mapping of what was pushed.

-- Serves PUT/DELETE /api/resources/{id}/calendar-link and GET /api/sync/status (one row per link).
CREATE TABLE calendar_links (
    resource_id uuid PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
    provider text NOT NULL CHECK (provider IN ('microsoft', 'google')),
    calendar_id text NOT NULL,
    display_name text NOT NULL,
    linked_at timestamptz NOT NULL,
    -- Set when the provider refused our credentials or the calendar: nothing is sent until an admin links it again.
    needs_attention boolean NOT NULL DEFAULT false,
    last_push_at timestamptz,
    last_pull_at timestamptz,
    last_error text
);
-- One calendar feeds one resource: two resources holding each other's outside events would block both.
CREATE UNIQUE INDEX ux_calendar_links_calendar ON calendar_links (provider, lower(calendar_id));

-- One row per (booking, resource) whose outside event may differ from the booking: written by the triggers below in
-- the transaction of the change, deleted by the push job once the state it read is there. changes counts the writes,
-- so a delivery that read an older state leaves the row for another round. The push job reads due rows oldest first.
CREATE TABLE sync_outbox (
    booking_id uuid NOT NULL,
    resource_id uuid NOT NULL,
    changes bigint NOT NULL DEFAULT 1,
    -- The oldest change not yet delivered: the link's lag is measured from here.
    first_change_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- An instance delivering the row holds it until then; one that died mid-delivery lets it go by itself.
    leased_until timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    PRIMARY KEY (booking_id, resource_id)
);
CREATE INDEX ix_sync_outbox_due ON sync_outbox (next_attempt_at);
CREATE INDEX ix_sync_outbox_resource ON sync_outbox (resource_id);

-- What each outside calendar holds of ours. The calendar is kept here, not read from the link, so the events of a
-- calendar that was unlinked or replaced can still be deleted there.
CREATE TABLE sync_event_map (
    booking_id uuid NOT NULL,
    resource_id uuid NOT NULL,
    provider text NOT NULL,
    calendar_id text NOT NULL,
    external_id text NOT NULL,
    etag text,
    -- The content last pushed; an unchanged booking is not sent again.
    pushed_fingerprint text NOT NULL,
    -- Bumped for every new outside event of the pair, so its delivery key is new too: a provider remembers the keys
    -- of deleted events.
    generation integer NOT NULL DEFAULT 0,
    -- Deleted there; the row stays so the next event of the pair takes the next generation.
    removed boolean NOT NULL DEFAULT false,
    pushed_at timestamptz NOT NULL,
    PRIMARY KEY (booking_id, resource_id)
);
CREATE INDEX ix_sync_event_map_resource ON sync_event_map (resource_id);

-- Only bookings of linked resources, or ones already pushed, are owed anything. The NOTIFY wakes the push job at once
-- (one per transaction: identical payloads fold).
CREATE FUNCTION sync_outbox_enqueue(booking uuid, resource uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM calendar_links l WHERE l.resource_id = resource)
       OR EXISTS (SELECT 1 FROM sync_event_map m WHERE m.booking_id = booking AND m.resource_id = resource) THEN
        INSERT INTO sync_outbox (booking_id, resource_id) VALUES (booking, resource)
        ON CONFLICT (booking_id, resource_id) DO UPDATE
            SET changes = sync_outbox.changes + 1, next_attempt_at = now(), attempts = 0;
        PERFORM pg_notify('booking_portal_sync', '');
    END IF;
END $$;

-- A booking's slot on a resource: created, moved, resized, released, or moved to another room.
CREATE FUNCTION allocations_sync_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.booking_id IS NOT NULL THEN
        PERFORM sync_outbox_enqueue(OLD.booking_id, OLD.resource_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.booking_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.resource_id <> OLD.resource_id OR NEW.blocked_range <> OLD.blocked_range OR NEW.holds <> OLD.holds) THEN
        PERFORM sync_outbox_enqueue(NEW.booking_id, NEW.resource_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER allocations_sync_enqueue AFTER INSERT OR UPDATE OR DELETE ON allocations
    FOR EACH ROW EXECUTE FUNCTION allocations_sync_enqueue();

-- Title, status (approval, cancel, no-show, rejection) and owner changes leave the allocation as it was.
CREATE FUNCTION bookings_sync_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.status, NEW.title, NEW.owner_email, NEW.start_utc, NEW.end_utc)
       IS DISTINCT FROM (OLD.status, OLD.title, OLD.owner_email, OLD.start_utc, OLD.end_utc) THEN
        PERFORM sync_outbox_enqueue(NEW.id, a.resource_id) FROM allocations a WHERE a.booking_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER bookings_sync_enqueue AFTER UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_sync_enqueue();
