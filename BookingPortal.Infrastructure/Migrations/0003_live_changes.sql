-- Live updates (SPEC §4): every committed change to what screens show is announced on one channel. The triggers are
-- deferred, so they run at commit and see the transaction's final rows, and NOTIFY itself is only delivered if the
-- transaction commits: a racing loser or a rolled-back write announces nothing.

-- Every change rewrites the booking row, so a move to other resources also bumps the version (xmin) and fires the
-- trigger below. Backfilled before the triggers exist: deferred trigger events would block the later DDL.
ALTER TABLE bookings ADD COLUMN revision integer NOT NULL DEFAULT 0;
UPDATE bookings b SET revision = (SELECT count(*) FROM booking_history h WHERE h.booking_id = b.id);
ALTER TABLE bookings ALTER COLUMN revision DROP DEFAULT;

CREATE FUNCTION live_change(kind text, id uuid, user_id text, resource_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('booking_portal_changes', json_build_object(
        'type', kind,
        'id', id,
        'userId', user_id,
        'resourceIds', coalesce(resource_ids, '{}'),
        'locationIds', coalesce((SELECT array_agg(DISTINCT r.location_id) FROM resources r WHERE r.id = ANY (resource_ids)), '{}')
    )::text);
$$;

CREATE FUNCTION bookings_live_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    kind text := 'booking.updated';
BEGIN
    IF TG_OP = 'INSERT' THEN
        kind := 'booking.created';
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        kind := CASE
            WHEN NEW.status = 'Cancelled' THEN 'booking.cancelled'
            WHEN NEW.status = 'CheckedIn' THEN 'booking.checked_in'
            WHEN NEW.status = 'NoShow' THEN 'booking.no_show'
            WHEN OLD.status = 'Pending' AND NEW.status IN ('Confirmed', 'AwaitingApproval') THEN 'booking.promoted'
            ELSE 'booking.updated'
        END;
    END IF;
    PERFORM live_change(kind, NEW.id, NEW.owner_id,
        (SELECT array_agg(DISTINCT a.resource_id) FROM allocations a WHERE a.booking_id = NEW.id));
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER bookings_live_change AFTER INSERT OR UPDATE ON bookings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bookings_live_change();

-- A booking moved to other resources no longer lists the old ones, but screens showing those must hear of it too.
CREATE FUNCTION allocations_live_release() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.resource_id = OLD.resource_id THEN
        RETURN NULL;
    END IF;
    IF OLD.booking_id IS NOT NULL AND EXISTS (SELECT 1 FROM bookings b WHERE b.id = OLD.booking_id) THEN
        PERFORM live_change('booking.updated', OLD.booking_id,
            (SELECT b.owner_id FROM bookings b WHERE b.id = OLD.booking_id), ARRAY[OLD.resource_id]);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER allocations_live_release AFTER UPDATE OR DELETE ON allocations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION allocations_live_release();

CREATE FUNCTION maintenance_blocks_live_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM live_change('block.deleted', OLD.id, OLD.created_by, ARRAY[OLD.resource_id]);
    ELSE
        PERFORM live_change(CASE TG_OP WHEN 'INSERT' THEN 'block.created' ELSE 'block.updated' END,
            NEW.id, NEW.created_by, ARRAY[NEW.resource_id]);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER maintenance_blocks_live_change AFTER INSERT OR UPDATE OR DELETE ON maintenance_blocks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maintenance_blocks_live_change();

-- Floorplans redraw when a resource is renamed, moved, resized or deactivated.
CREATE FUNCTION resources_live_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_change('resource.changed', NEW.id, NULL, ARRAY[NEW.id]);
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER resources_live_change AFTER INSERT OR UPDATE ON resources
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION resources_live_change();

-- Floors and locations concern a whole location: a floor names its location, a location is one.
CREATE FUNCTION location_live_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('booking_portal_changes', json_build_object(
        'type', TG_ARGV[0], 'id', NEW.id, 'userId', NULL, 'resourceIds', '[]'::json,
        'locationIds', json_build_array(coalesce((to_jsonb(NEW) ->> 'location_id')::uuid, NEW.id)))::text);
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER floors_live_change AFTER INSERT OR UPDATE ON floors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION location_live_change('floor.changed');

CREATE CONSTRAINT TRIGGER locations_live_change AFTER INSERT OR UPDATE ON locations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION location_live_change('location.changed');
