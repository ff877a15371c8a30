-- The admin console's audit view pages through the whole booking history, newest first.
CREATE INDEX ix_booking_history_at ON booking_history (at DESC, id DESC);
