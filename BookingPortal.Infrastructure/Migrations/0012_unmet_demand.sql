-- Demand the product turned away leaves no booking row behind: a conflict the requester did not wait for, or a room
-- search that found nothing free. The demand report counts these.
CREATE TABLE unmet_demand (
    id uuid PRIMARY KEY,
    location_id uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    what text NOT NULL CHECK (what IN ('conflict', 'empty_search')),
    resource_ids uuid[] NOT NULL DEFAULT '{}',
    resource_kind text,
    start_utc timestamptz NOT NULL,
    end_utc timestamptz NOT NULL,
    attendees integer NOT NULL,
    recorded_at timestamptz NOT NULL,
    CHECK (end_utc > start_utc)
);
CREATE INDEX ix_unmet_demand_location_start ON unmet_demand (location_id, start_utc);
