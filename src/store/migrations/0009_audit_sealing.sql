-- Audit entries are sealed into the hash chain shortly after they are written,
-- not while the writer's transaction holds the chain's head
-- (docs/decisions/0011-audit-sealing.md). Each entry is still written in the
-- same transaction as the processing it records (DPA 2018 s.62); a sealer then
-- gives the committed entries, in id order, their chain positions and hashes
-- under the head's lock, which only sealers take. Before this, every audited
-- action (a read of a record included) held that lock until its COMMIT
-- returned, so all of them queued behind one another's WAL flush.

-- A new entry is pending (no position, no hash) until it is sealed; once
-- sealed, it has both. NOT VALID, as before: the rows from before the chain
-- keep neither.
ALTER TABLE audit_event DROP CONSTRAINT audit_event_chained;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_chained CHECK (
  ((seq IS NULL AND hash IS NULL)
   OR (seq IS NOT NULL AND hash IS NOT NULL AND seq > 0 AND hash ~ '^[0-9a-f]{64}$'))
  AND at = date_trunc('milliseconds', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') NOT VALID;

-- The sealer finds what it has not sealed yet without reading the trail.
CREATE INDEX audit_event_pending_idx ON audit_event (id) WHERE seq IS NULL;

-- Still append-only (ASVS 16.4.2), with one exception: sealing, which gives a
-- pending entry its position and hash once and changes nothing else.
CREATE FUNCTION audit_event_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL
     AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
     AND to_jsonb(NEW) - 'seq' - 'hash' = to_jsonb(OLD) - 'seq' - 'hash' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% on % refused: the audit trail is append-only (ASVS 16.4.2)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER audit_event_no_change ON audit_event;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_seal_only();
