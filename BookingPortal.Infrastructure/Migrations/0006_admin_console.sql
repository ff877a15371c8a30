-- Uploaded floor plan backgrounds live in the database, so every app instance serves the same image (ADR 010).
CREATE TABLE floor_images (
    id uuid PRIMARY KEY,
    floor_id uuid NOT NULL REFERENCES floors (id) ON DELETE CASCADE,
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
    content bytea NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_floor_images_floor_id ON floor_images (floor_id);

-- The audit view pages through the whole booking history, newest first.
CREATE INDEX ix_booking_history_at ON booking_history (at DESC, id DESC);
