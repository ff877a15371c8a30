-- Who was turned away, so the same person's repeated request (a prerendered page searching twice, a live refresh
-- re-running the search, a client retrying a refused create) counts as one unit of demand, not one per attempt.
ALTER TABLE unmet_demand ADD COLUMN requester_id text;
CREATE INDEX ix_unmet_demand_requester_recorded ON unmet_demand (requester_id, recorded_at) WHERE requester_id IS NOT NULL;
