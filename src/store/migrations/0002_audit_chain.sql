-- The audit trail becomes tamper-evident (docs/decisions/0006-audit-hash-chain.md,
-- docs/audit-trail.md): every entry gets a position in one hash chain,
--   h_i = SHA-256(h_{i-1} || canonical(entry_i)), h_0 = the genesis value below,
-- over the canonical form the application defines (src/store/audit-chain.ts),
-- written while the writer holds the row lock of audit_chain_head, so the
-- chain cannot fork however many transactions or app instances write at once.
-- The table refuses UPDATE, DELETE and TRUNCATE (ASVS 16.4.2); the chain
-- exposes what a superuser does behind those triggers, and exported
-- checkpoints expose a rewritten or truncated chain (ASVS 16.4.3).
--
-- Rows written before this migration are not hashed: canonical JSON is defined
-- by the application, and re-creating it here in SQL would be a second
-- definition to keep identical for ever. The chain starts after them; the head
-- row records how many there were and the highest id among them, so the
-- verifier notices any of them being removed or any row added without a chain
-- position later. On a new register there are none.

ALTER TABLE audit_event
  ADD COLUMN seq bigint UNIQUE,
  -- Where the action came from ("api 203.0.113.5", "web …", "cli"), ASVS 16.2.1.
  ADD COLUMN origin text,
  -- DPA 2018 s.62(3)(b): a disclosure log names who received the data.
  ADD COLUMN recipients text[],
  ADD COLUMN hash text;

-- The time is set by the application, in UTC to the millisecond (ASVS 16.2.2),
-- so that it is hashed exactly as it is stored.
ALTER TABLE audit_event ALTER COLUMN at DROP DEFAULT;

-- Sign-in events (ASVS 16.3.1) and the administration of users and settings
-- are logged beside the six DPA 2018 s.62(1) categories and refusals.
ALTER TABLE audit_event DROP CONSTRAINT audit_event_operation_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_operation_check CHECK (operation IN (
  'collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure',
  'denied', 'authentication', 'administration'));

-- NOT VALID: enforced for every row written from now on, not for the rows
-- from before the chain (which have no position and no recipients).
ALTER TABLE audit_event ADD CONSTRAINT audit_event_chained CHECK (
  seq IS NOT NULL AND seq > 0 AND hash ~ '^[0-9a-f]{64}$'
  AND at = date_trunc('milliseconds', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') NOT VALID;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_recipients CHECK (
  (operation = 'disclosure') = (recipients IS NOT NULL AND cardinality(recipients) > 0)
  AND array_position(recipients, NULL) IS NULL AND NOT ('' = ANY (recipients))) NOT VALID;

-- Auditors search by person, by user and by date, newest first (keyset on id).
DROP INDEX audit_event_person_idx;
DROP INDEX audit_event_actor_idx;
CREATE INDEX audit_event_person_idx ON audit_event (person_id, id) WHERE person_id IS NOT NULL;
CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, id);
CREATE INDEX audit_event_at_idx ON audit_event (at);

-- The chain's head: one row, whose lock every chain writer takes first
-- (SELECT … FOR UPDATE), so entries get consecutive positions in commit order.
CREATE TABLE audit_chain_head (
  singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq               bigint NOT NULL CHECK (seq >= 0),
  hash              text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  at                timestamptz,
  -- The rows written before the chain began, for the verifier.
  unchained_rows    bigint NOT NULL,
  unchained_max_id  bigint NOT NULL
);
-- The genesis hash: SHA-256 of the UTF-8 text "dasr audit chain v1".
INSERT INTO audit_chain_head (seq, hash, unchained_rows, unchained_max_id)
SELECT 0, '6066f8662d4be47d1b241a5e146734a11339c78b7db71f724dde86da2916818d', count(*), coalesce(max(id), 0)
  FROM audit_event;

-- Checkpoints of the head exported to a separate store (dasr audit checkpoint).
CREATE TABLE audit_checkpoint (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq          bigint NOT NULL CHECK (seq >= 0),
  hash         text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  at           timestamptz NOT NULL,
  destination  text NOT NULL
);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % refused: the audit trail is append-only (ASVS 16.4.2)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_checkpoint
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- The head is never deleted. Its updates are not checked by a trigger: one on
-- every audited action costs more than it gives, since the verifier already
-- reports a head that disagrees with the chain.
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
