-- Recurring bookings: a series is listed (GET /api/bookings?seriesId=) and cancelled from one occurrence on by its id.
CREATE INDEX ix_bookings_series_id ON bookings (series_id, start_utc) WHERE series_id IS NOT NULL;
