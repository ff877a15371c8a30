-- Wall displays opened by link (ADR 011) and the floor plan pictures drawn under resources.
CREATE TABLE display_links (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    location_id uuid NOT NULL REFERENCES locations (id) ON DELETE RESTRICT,
    floor_id uuid REFERENCES floors (id) ON DELETE RESTRICT,
    cycle_seconds integer CHECK (cycle_seconds BETWEEN 10 AND 3600),
    -- SHA-256 of the link's secret; the secret itself is shown once to the admin who creates the link.
    token_hash text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoked_by text,
    last_seen_at timestamptz
);
CREATE UNIQUE INDEX ix_display_links_token_hash ON display_links (token_hash);
CREATE INDEX ix_display_links_location_id ON display_links (location_id);

-- An open display learns at once that its link was revoked, on whichever instance it is connected to.
CREATE FUNCTION display_links_live_revoke() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('booking_portal_changes', json_build_object(
        'type', 'display_link.revoked', 'id', NEW.id, 'userId', NEW.revoked_by, 'resourceIds', '[]'::json,
        'locationIds', json_build_array(NEW.location_id))::text);
    RETURN NULL;
END $$;

CREATE TRIGGER display_links_live_revoke AFTER UPDATE ON display_links
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION display_links_live_revoke();

CREATE TABLE floor_plan_images (
    floor_id uuid PRIMARY KEY REFERENCES floors (id) ON DELETE CASCADE,
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    content bytea NOT NULL,
    sha256 text NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL
);
