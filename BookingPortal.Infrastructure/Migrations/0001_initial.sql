-- Core booking schema. Double booking is made impossible by the exclusion constraint on allocations.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE locations (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    time_zone_id text NOT NULL,
    no_show_grace_period interval NOT NULL DEFAULT interval '15 minutes',
    opening_hours jsonb NOT NULL DEFAULT '[]',
    closures jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE floors (
    id uuid PRIMARY KEY,
    location_id uuid NOT NULL REFERENCES locations (id) ON DELETE RESTRICT,
    name text NOT NULL,
    sort_order integer NOT NULL,
    plan_width double precision NOT NULL CHECK (plan_width > 0),
    plan_height double precision NOT NULL CHECK (plan_height > 0),
    background_image_url text
);
CREATE INDEX ix_floors_location_id ON floors (location_id);

CREATE TABLE resources (
    id uuid PRIMARY KEY,
    location_id uuid NOT NULL REFERENCES locations (id) ON DELETE RESTRICT,
    floor_id uuid NOT NULL REFERENCES floors (id) ON DELETE RESTRICT,
    kind text NOT NULL CHECK (kind IN ('Room', 'Desk', 'Equipment', 'Parking')),
    name text NOT NULL,
    capacity integer NOT NULL CHECK (capacity > 0),
    features text[] NOT NULL DEFAULT '{}',
    shape jsonb NOT NULL,
    buffer_before interval NOT NULL,
    buffer_after interval NOT NULL,
    min_duration interval NOT NULL,
    max_duration interval NOT NULL,
    horizon interval NOT NULL,
    requires_approval boolean NOT NULL,
    requires_check_in boolean NOT NULL,
    is_active boolean NOT NULL
);
-- "Free resources in a window" starts from the candidates of one location and kind.
CREATE INDEX ix_resources_location_id ON resources (location_id, kind) WHERE is_active;
CREATE INDEX ix_resources_floor_id ON resources (floor_id);

CREATE TABLE bookings (
    id uuid PRIMARY KEY,
    owner_id text NOT NULL,
    owner_email text NOT NULL,
    title text NOT NULL,
    attendee_count integer NOT NULL CHECK (attendee_count > 0),
    start_utc timestamptz NOT NULL,
    end_utc timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('Pending', 'AwaitingApproval', 'Confirmed', 'CheckedIn', 'Completed',
                                           'Cancelled', 'NoShow', 'Rejected', 'Expired')),
    series_id uuid,
    idempotency_key text,
    request_hash text,
    created_at timestamptz NOT NULL,
    checked_in_at timestamptz,
    status_reason text,
    CHECK (end_utc > start_utc)
);
CREATE UNIQUE INDEX ix_bookings_owner_id_idempotency_key ON bookings (owner_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX ix_bookings_owner_start ON bookings (owner_id, start_utc);
CREATE INDEX ix_bookings_start ON bookings (start_utc);
-- The promotion pass reads the wait list oldest first.
CREATE INDEX ix_bookings_pending ON bookings (created_at) WHERE status = 'Pending';

CREATE TABLE maintenance_blocks (
    id uuid PRIMARY KEY,
    resource_id uuid NOT NULL REFERENCES resources (id) ON DELETE RESTRICT,
    start_utc timestamptz NOT NULL,
    end_utc timestamptz NOT NULL,
    reason text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    CHECK (end_utc > start_utc)
);
CREATE INDEX ix_maintenance_blocks_resource_id ON maintenance_blocks (resource_id, start_utc);

CREATE TABLE allocations (
    id uuid PRIMARY KEY,
    resource_id uuid NOT NULL REFERENCES resources (id) ON DELETE RESTRICT,
    booking_id uuid REFERENCES bookings (id) ON DELETE CASCADE,
    maintenance_block_id uuid REFERENCES maintenance_blocks (id) ON DELETE CASCADE,
    blocked_start timestamptz NOT NULL,
    blocked_end timestamptz NOT NULL,
    holds boolean NOT NULL,
    blocked_range tstzrange GENERATED ALWAYS AS (tstzrange(blocked_start, blocked_end, '[)')) STORED,
    CHECK (blocked_end > blocked_start),
    CHECK ((booking_id IS NULL) <> (maintenance_block_id IS NULL)),
    CONSTRAINT allocations_no_overlap EXCLUDE USING gist (resource_id WITH =, blocked_range WITH &&) WHERE (holds)
);
-- The exclusion index answers "what holds this resource in this window"; this one also sees wait-listed requests.
CREATE INDEX ix_allocations_resource_range ON allocations USING gist (resource_id, blocked_range);
CREATE INDEX ix_allocations_booking_id ON allocations (booking_id);
CREATE INDEX ix_allocations_maintenance_block_id ON allocations (maintenance_block_id);

CREATE TABLE booking_history (
    id uuid PRIMARY KEY,
    booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    at timestamptz NOT NULL,
    actor_id text NOT NULL,
    action text NOT NULL,
    from_status text,
    to_status text NOT NULL,
    detail text
);
CREATE INDEX ix_booking_history_booking_id_at ON booking_history (booking_id, at);
