-- Calendar invitations (iTIP REQUEST/CANCEL, RFC 5546) e-mailed to a booking's owner. A row is written in the
-- transaction of each change a calendar should follow (confirmation, move, new title, approval, promotion,
-- cancellation, rejection); the message is built from the booking's or series' state when it is sent, so the rows
-- waiting for one entry go out as one message. sent_at is the outbox marker, claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE calendar_invitations (
    id uuid PRIMARY KEY,
    booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    -- No foreign key: a series is a group of bookings; its rule (booking_series) is looked up when the mail is built.
    series_id uuid,
    email text NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz
);
-- The outbox reads only what is still to send.
CREATE INDEX ix_calendar_invitations_outbox ON calendar_invitations (created_at) WHERE sent_at IS NULL;
-- One calendar entry's rows: those to coalesce into one message, and whether one went out before. Bookings are never
-- deleted, so booking_id needs no index of its own for the cascade.
CREATE INDEX ix_calendar_invitations_entry ON calendar_invitations ((coalesce(series_id, booking_id)));
