-- What people are told about their bookings (promotion from the wait list, no-show, cancellation by someone else,
-- approval, rejection, expiry). Rows are written in the transaction of the change they describe; emailed_at is the
-- e-mail outbox marker, claimed with FOR UPDATE SKIP LOCKED so two instances never send one twice.
CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    user_id text NOT NULL,
    email text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('Promoted', 'Approved', 'Rejected', 'Cancelled', 'NoShow', 'Expired')),
    booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    subject text NOT NULL,
    message text NOT NULL,
    created_at timestamptz NOT NULL,
    read_at timestamptz,
    emailed_at timestamptz
);
-- "Mine, newest first" and the unread count.
CREATE INDEX ix_notifications_user_id_created_at ON notifications (user_id, created_at DESC);
CREATE INDEX ix_notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
-- The e-mail outbox reads only what is still to send.
CREATE INDEX ix_notifications_outbox ON notifications (created_at) WHERE emailed_at IS NULL;
CREATE INDEX ix_notifications_booking_id ON notifications (booking_id);

-- Live toasts: every instance LISTENs on this channel; NOTIFY inside the writing transaction is delivered on commit.
CREATE FUNCTION notifications_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('booking_portal_changes', json_build_object(
        'type', 'notification.created',
        'id', NEW.id,
        'userId', NEW.user_id,
        'locationIds', '[]'::json,
        'resourceIds', '[]'::json)::text);
    RETURN NEW;
END;
$$;

CREATE TRIGGER notifications_announce AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notifications_announce();
