-- Series edited by scope: "this and following" splits a series, "all" edits it as a whole.

-- The continuation of a split names the series it came from, so both halves can be shown (and published) as one story.
ALTER TABLE booking_series ADD COLUMN split_from uuid REFERENCES booking_series (id);
-- Whole-series edits rewrite the row, which bumps its xmin: the series' ETag for If-Match.
ALTER TABLE booking_series ADD COLUMN revision integer NOT NULL DEFAULT 0;
-- Member changes handed to a continuation, so the series' calendar SEQUENCE never goes down.
ALTER TABLE booking_series ADD COLUMN sequence_base integer NOT NULL DEFAULT 0;

-- What a member was given on its own (flags: 1 time, 2 resources, 4 title, 8 attendee count). "This and following"
-- leaves those fields of that member alone; an edit of the whole series takes them back.
ALTER TABLE bookings ADD COLUMN own_changes integer NOT NULL DEFAULT 0;
