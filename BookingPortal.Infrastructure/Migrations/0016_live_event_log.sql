-- Live events get ids a reconnecting client can resume after (ADR 016). Each change the deferred triggers of migration
-- 0003 announce is also written here, and its NOTIFY payload carries the row's id as eventId.
--
-- The ids must be handed out in commit order, or a reader who saw 6 before 5 committed would resume after 6 and miss 5.
-- So the trigger takes a transaction-level advisory lock before it draws an id: the lock is held until the transaction
-- has committed and become visible, so the next writer draws a larger id only after this one is visible. PostgreSQL
-- already serialises the commits of notifying transactions the same way (the notify queue lock, held from pre-commit to
-- the end of the transaction), so this only widens that by the deferred triggers' own work. The identity must keep
-- CACHE 1: a session caching ids would hand out numbers drawn before the lock.
CREATE TABLE live_events (
    id bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    type text NOT NULL,
    row_id uuid NOT NULL,
    user_id text,
    resource_ids uuid[] NOT NULL,
    location_ids uuid[] NOT NULL,
    -- NOTIFY folds identical payloads of one transaction into one; the log does the same with this key.
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (transaction_id, type, row_id, resource_ids, location_ids)
);

-- Everything up to pruned_through is gone: a client whose last id is older cannot be replayed and is told to reload.
CREATE TABLE live_event_horizon (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through bigint NOT NULL
);
INSERT INTO live_event_horizon (pruned_through) VALUES (0);

-- The class spells "LIVE" in ASCII, apart from the slot locks' "BOOK" (migration 0008) and the migrator's key.
CREATE FUNCTION live_event_publish(kind text, row_id uuid, user_id text, resource_ids uuid[], location_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    event_id bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1279874629, 0);
    INSERT INTO live_events (type, row_id, user_id, resource_ids, location_ids)
    VALUES (kind, row_id, user_id, resource_ids, location_ids)
    ON CONFLICT DO NOTHING
    RETURNING id INTO event_id;
    IF event_id IS NOT NULL THEN
        PERFORM pg_notify('booking_portal_changes', json_build_object(
            'eventId', event_id,
            'type', kind,
            'id', row_id,
            'userId', user_id,
            'resourceIds', resource_ids,
            'locationIds', location_ids
        )::text);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION live_change(kind text, id uuid, user_id text, resource_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
    SELECT live_event_publish(kind, id, user_id, coalesce(resource_ids, '{}'),
        coalesce((SELECT array_agg(DISTINCT r.location_id) FROM resources r WHERE r.id = ANY (resource_ids)), '{}'));
$$;

CREATE OR REPLACE FUNCTION location_live_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_event_publish(TG_ARGV[0], NEW.id, NULL, '{}',
        ARRAY[coalesce((to_jsonb(NEW) ->> 'location_id')::uuid, NEW.id)]);
    RETURN NULL;
END $$;
