-- Retention review, restriction, erasure and subject access (DPA 2018 Part 3:
-- s.39 periodic review, ss.45-48 data subjects' rights, s.54 time limits).
-- Depends only on 0001. See docs/retention.md.

-- Every record carries its next review date (s.39(2)). The default is the
-- documented default interval (10 years, RetentionSettings.reviewEveryYears), so
-- a record made by any path has one; decisions set it from the settings, and the
-- rules in src/domain/retention/review.ts bring it forward (age limit, archiving,
-- restriction). Existing rows are dated from when they were made.
ALTER TABLE person ADD COLUMN next_review_on date;
UPDATE person SET next_review_on = (created_at::date + interval '10 years')::date;
ALTER TABLE person ALTER COLUMN next_review_on SET DEFAULT (CURRENT_DATE + interval '10 years')::date;
ALTER TABLE person ALTER COLUMN next_review_on SET NOT NULL;

ALTER TABLE victim ADD COLUMN next_review_on date;
UPDATE victim SET next_review_on = (created_at::date + interval '10 years')::date;
ALTER TABLE victim ALTER COLUMN next_review_on SET DEFAULT (CURRENT_DATE + interval '10 years')::date;
ALTER TABLE victim ALTER COLUMN next_review_on SET NOT NULL;

-- Restricted: kept, but hidden from normal use, with its ground and rationale
-- (s.45(4)/s.48(3) (a)-(e); s.47(2) evidence; s.47(3) accuracy contested).
-- Erased (s.47(1)): the row stays as a tombstone, so the reference, the
-- organisation and the audit trail still resolve; every personal value is gone.
ALTER TABLE person
  ADD COLUMN restriction_ground    text CHECK (restriction_ground IN ('a', 'b', 'c', 'd', 'e', 'evidence', 'accuracy-contested')),
  ADD COLUMN restriction_rationale text,
  ADD COLUMN restricted_on         date,
  ADD COLUMN restricted_by         uuid REFERENCES app_user (id),
  ADD COLUMN erased_on             date,
  ADD COLUMN erased_by             uuid REFERENCES app_user (id),
  ADD COLUMN erasure_ground        text CHECK (erasure_ground IN ('no-longer-necessary', 'unlawful-processing', 'legal-obligation')),
  ADD CONSTRAINT person_restriction_whole CHECK (
    (restriction_ground IS NULL) = (restriction_rationale IS NULL) AND (restriction_ground IS NULL) = (restricted_on IS NULL)),
  ADD CONSTRAINT person_erasure_whole CHECK ((erased_on IS NULL) = (erasure_ground IS NULL));
ALTER TABLE person ALTER COLUMN date_of_birth DROP NOT NULL;
-- A tombstone holds no identity: only an erased record may lack a date of birth.
ALTER TABLE person ADD CONSTRAINT person_tombstone_empty CHECK (
  (erased_on IS NULL AND date_of_birth IS NOT NULL)
  OR (erased_on IS NOT NULL AND date_of_birth IS NULL AND ni_number IS NULL AND sex IS NULL));
CREATE INDEX person_next_review_idx ON person (next_review_on) WHERE erased_on IS NULL;

ALTER TABLE victim
  ADD COLUMN restriction_ground    text CHECK (restriction_ground IN ('a', 'b', 'c', 'd', 'e', 'evidence', 'accuracy-contested')),
  ADD COLUMN restriction_rationale text,
  ADD COLUMN restricted_on         date,
  ADD COLUMN restricted_by         uuid REFERENCES app_user (id),
  ADD COLUMN erased_on             date,
  ADD COLUMN erased_by             uuid REFERENCES app_user (id),
  ADD COLUMN erasure_ground        text CHECK (erasure_ground IN ('no-longer-necessary', 'unlawful-processing', 'legal-obligation')),
  ADD CONSTRAINT victim_restriction_whole CHECK (
    (restriction_ground IS NULL) = (restriction_rationale IS NULL) AND (restriction_ground IS NULL) = (restricted_on IS NULL)),
  ADD CONSTRAINT victim_erasure_whole CHECK ((erased_on IS NULL) = (erasure_ground IS NULL)),
  ADD CONSTRAINT victim_tombstone_empty CHECK (erased_on IS NULL OR data = '{}'::jsonb);
CREATE INDEX victim_next_review_idx ON victim (next_review_on) WHERE erased_on IS NULL;

-- Each restriction, kept after it is lifted: who, when, on what ground, why.
CREATE TABLE record_restriction (
  id             uuid PRIMARY KEY,
  person_id      uuid REFERENCES person (id),
  victim_id      uuid REFERENCES victim (id),
  ground         text NOT NULL CHECK (ground IN ('a', 'b', 'c', 'd', 'e', 'evidence', 'accuracy-contested')),
  rationale      text NOT NULL CHECK (btrim(rationale) <> ''),
  restricted_on  date NOT NULL,
  restricted_by  uuid REFERENCES app_user (id),
  lifted_on      date,
  lifted_by      uuid REFERENCES app_user (id),
  lift_reason    text,
  CHECK ((person_id IS NULL) <> (victim_id IS NULL)),
  CHECK ((lifted_on IS NULL) = (lift_reason IS NULL))
);
CREATE INDEX record_restriction_person_idx ON record_restriction (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX record_restriction_victim_idx ON record_restriction (victim_id) WHERE victim_id IS NOT NULL;

-- Every retention decision with its reason (APP: "all reviews that result in a
-- decision to retain records must be recorded"; HMICFRS: the rationale).
CREATE TABLE retention_review (
  id              uuid PRIMARY KEY,
  person_id       uuid REFERENCES person (id),
  victim_id       uuid REFERENCES victim (id),
  decision        text NOT NULL CHECK (decision IN ('retain', 'delete', 'restrict')),
  reason          text NOT NULL CHECK (btrim(reason) <> ''),
  -- What made the review due (review.ts ReviewTrigger), and the day it fell due.
  review_trigger  text,
  due_on          date,
  decided_on      date NOT NULL,
  decided_by      uuid REFERENCES app_user (id),
  next_review_on  date,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((person_id IS NULL) <> (victim_id IS NULL)),
  CHECK (decision <> 'retain' OR next_review_on IS NOT NULL),
  CHECK (next_review_on IS NULL OR next_review_on > decided_on)
);
CREATE INDEX retention_review_person_idx ON retention_review (person_id, decided_on) WHERE person_id IS NOT NULL;
CREATE INDEX retention_review_victim_idx ON retention_review (victim_id, decided_on) WHERE victim_id IS NOT NULL;

-- A victim's record is reviewed too, and has no person: a task is about one or the other.
ALTER TABLE task ADD COLUMN victim_id uuid REFERENCES victim (id);
ALTER TABLE task ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE task ADD CONSTRAINT task_subject CHECK (person_id IS NOT NULL OR victim_id IS NOT NULL);

-- Subject access requests (s.45) and their time limits (s.54). The dates that
-- move the deadline are kept, and the due date recomputed from them
-- (src/domain/retention/subject-access.ts) whenever one changes.
CREATE TABLE subject_access_request (
  id                          uuid PRIMARY KEY,
  person_id                   uuid NOT NULL REFERENCES person (id),
  managing_org_id             text NOT NULL REFERENCES organisation (id),
  received_on                 date NOT NULL,
  identity_confirmed_on       date,
  due_on                      date NOT NULL,
  extension_notice_on         date,
  extension_reason            text,
  clarification_asked_on      date,
  paused_days                 integer NOT NULL DEFAULT 0 CHECK (paused_days >= 0),
  status                      text NOT NULL DEFAULT 'open'
                              CHECK (status IN ('open', 'awaiting-clarification', 'answered', 'refused', 'withdrawn')),
  -- s.45(4): what is withheld from the answer beyond the standard redaction of
  -- victims and third parties (always, on ground (e)), and on what ground.
  withheld_kinds              text[] NOT NULL DEFAULT '{}',
  withhold_ground             text CHECK (withhold_ground IN ('a', 'b', 'c', 'd', 'e')),
  withhold_reason             text,
  answered_on                 date,
  closed_reason               text,
  recorded_by                 uuid REFERENCES app_user (id),
  version                     integer NOT NULL DEFAULT 1,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  CHECK ((extension_notice_on IS NULL) = (extension_reason IS NULL)),
  CHECK ((withhold_ground IS NULL) = (withhold_reason IS NULL)),
  CHECK (cardinality(withheld_kinds) = 0 OR withhold_ground IS NOT NULL),
  CHECK ((status = 'awaiting-clarification') = (clarification_asked_on IS NOT NULL))
);
CREATE INDEX subject_access_request_org_idx ON subject_access_request (managing_org_id, status, due_on);
CREATE INDEX subject_access_request_person_idx ON subject_access_request (person_id);
