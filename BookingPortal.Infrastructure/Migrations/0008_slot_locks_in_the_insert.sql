-- Writers of a resource's holding allocations queue on one advisory lock per resource (ADR 003). The lock used to be
-- taken by the app in a statement of its own before saving, which cost every create an explicit transaction and two
-- more round trips. Taken by a row trigger, it comes with the insert, so a single-resource create is again one batch
-- in one implicit transaction. The app still takes the same locks up front (lock_slots) where one save touches several
-- resources, because a trigger would take them in row order, and two such saves in opposite orders would deadlock.

-- The one definition of the lock: its class ("BOOK" in ASCII) keeps it apart from other advisory locks such as the
-- migrator's. Plain SQL functions, which PostgreSQL inlines: the trigger runs for every holding row written, so it
-- evaluates one expression instead of running a query.
CREATE FUNCTION slot_lock_key(resource_id uuid) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hashtext(resource_id::text) $$;

CREATE FUNCTION lock_slot(resource_id uuid) RETURNS void
LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock(1112493899, slot_lock_key(resource_id)) $$;

-- Keys in ascending order, so that writers locking several resources cannot wait for each other in a cycle.
CREATE FUNCTION lock_slots(resource_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    id uuid;
BEGIN
    FOR id IN SELECT r.id FROM unnest(resource_ids) AS r(id) ORDER BY slot_lock_key(r.id) LOOP
        PERFORM lock_slot(id);
    END LOOP;
END $$;

-- Only rows that will hold take part in the exclusion check; releasing a slot never waits in it, so needs no lock.
CREATE FUNCTION allocations_lock_slot() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_slot(NEW.resource_id);
    RETURN NEW;
END $$;

CREATE TRIGGER allocations_lock_slot BEFORE INSERT OR UPDATE ON allocations
    FOR EACH ROW WHEN (NEW.holds) EXECUTE FUNCTION allocations_lock_slot();
