-- The register: people, the facts recorded about them, victims, registrations,
-- notifications, compliance, the timeline and the audit trail.
--
-- Facts are never overwritten: a correction or an end date is a new row that
-- supersedes the old one (superseded_by), so the record can be read as it
-- stood on any day. Only PostgreSQL 15 features, so PGlite and the server agree.

CREATE TABLE organisation (
  id          text PRIMARY KEY,                 -- e.g. "police:essex", "probation:east-of-england"
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('police', 'probation', 'prison', 'victim-liaison', 'mappa', 'partner', 'national')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_user (
  id               uuid PRIMARY KEY,
  organisation_id  text NOT NULL REFERENCES organisation (id),
  display_name     text NOT NULL,
  email            text NOT NULL UNIQUE,
  phone            text,
  roles            text[] NOT NULL,
  disabled         boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Integration and bootstrap tokens: only a hash is kept.
CREATE TABLE api_token (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES app_user (id),
  token_hash  text NOT NULL UNIQUE,
  label       text NOT NULL,
  scopes      text[] NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE person (
  id                 uuid PRIMARY KEY,
  reference          text NOT NULL UNIQUE,     -- human reference, e.g. "DA-2026-000123"
  managing_org_id    text NOT NULL REFERENCES organisation (id),
  family_name        text NOT NULL,
  given_names        text NOT NULL,
  date_of_birth      date NOT NULL,
  ni_number          text,
  sex                text,
  status             text NOT NULL DEFAULT 'recorded'
                     CHECK (status IN ('recorded', 'referred', 'registered', 'ended', 'archived')),
  responsible_officer_id uuid REFERENCES app_user (id),
  risk_level         text CHECK (risk_level IN ('low', 'medium', 'high', 'very-high')),
  version            integer NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  created_by         uuid REFERENCES app_user (id),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_dob_idx ON person (date_of_birth);
CREATE INDEX person_ni_idx ON person (ni_number) WHERE ni_number IS NOT NULL;
CREATE INDEX person_name_idx ON person (lower(family_name), lower(given_names));
CREATE INDEX person_officer_idx ON person (responsible_officer_id);
CREATE INDEX person_org_idx ON person (managing_org_id, id);

-- Everything else known about a person, one row per fact, typed by `kind`
-- (validated by the contract for that kind before it is written).
CREATE TABLE person_fact (
  id             uuid PRIMARY KEY,
  person_id      uuid NOT NULL REFERENCES person (id),
  kind           text NOT NULL,
  data           jsonb NOT NULL,
  valid_from     date,
  valid_to       date,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  recorded_by    uuid REFERENCES app_user (id),
  superseded_by  uuid REFERENCES person_fact (id),
  superseded_at  timestamptz,
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
);
CREATE INDEX person_fact_person_idx ON person_fact (person_id, kind) WHERE superseded_by IS NULL;
CREATE INDEX person_fact_all_idx ON person_fact (person_id);

-- Normalised values people are searched by (names, aliases, vehicles, phones,
-- e-mail, online names), so a search can say why a record matched.
CREATE TABLE search_key (
  person_id  uuid NOT NULL REFERENCES person (id),
  fact_id    uuid REFERENCES person_fact (id),
  kind       text NOT NULL,
  value      text NOT NULL
);
CREATE INDEX search_key_value_idx ON search_key (kind, value);
CREATE INDEX search_key_person_idx ON search_key (person_id);

CREATE TABLE photograph (
  id            uuid PRIMARY KEY,
  person_id     uuid NOT NULL REFERENCES person (id),
  content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes         bytea NOT NULL,
  byte_size     integer NOT NULL,
  width         integer NOT NULL,
  height        integer NOT NULL,
  taken_on      date,
  caption       text,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  recorded_by   uuid REFERENCES app_user (id)
);
CREATE INDEX photograph_person_idx ON photograph (person_id);

-- Victims are separate, restricted records: their details are read only by
-- those who must, and every read is audited.
CREATE TABLE victim (
  id               uuid PRIMARY KEY,
  managing_org_id  text NOT NULL REFERENCES organisation (id),
  data             jsonb NOT NULL,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       uuid REFERENCES app_user (id),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE victim_link (
  person_id     uuid NOT NULL REFERENCES person (id),
  victim_id     uuid NOT NULL REFERENCES victim (id),
  relationship  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, victim_id)
);
CREATE INDEX victim_link_victim_idx ON victim_link (victim_id);

-- A determination keeps the legal core's explanation exactly as made, with the
-- versions it was made under, so it can be re-read years later unchanged.
CREATE TABLE determination (
  id               uuid PRIMARY KEY,
  person_id        uuid NOT NULL REFERENCES person (id),
  as_of            date NOT NULL,
  input            jsonb NOT NULL,
  explanation      jsonb NOT NULL,
  policy_versions  jsonb NOT NULL,
  software_version text NOT NULL,
  decided_at       timestamptz NOT NULL DEFAULT now(),
  decided_by       uuid REFERENCES app_user (id)
);
CREATE INDEX determination_person_idx ON determination (person_id, decided_at);

CREATE TABLE registration (
  id                  uuid PRIMARY KEY,
  person_id           uuid NOT NULL REFERENCES person (id),
  determination_id    uuid NOT NULL REFERENCES determination (id),
  policy_id           text NOT NULL,
  policy_version      text NOT NULL,
  status              text NOT NULL CHECK (status IN ('active', 'ended', 'archived')),
  abuse_type          text NOT NULL CHECK (abuse_type IN ('intimate-partner', 'stalking', 'family')),
  mappa_category      integer,
  -- False for policies whose effect is a register entry or MAPPA management only.
  notification_duties boolean NOT NULL,
  period              jsonb,
  relevant_date       date NOT NULL,
  last_day            date,
  review_date         date,
  initial_due         date,                   -- null while in custody with no release date
  retention_review_on date,
  no_fixed_abode      boolean NOT NULL DEFAULT false,
  in_custody          boolean NOT NULL DEFAULT false,
  registered_on       date NOT NULL,
  registered_by       uuid REFERENCES app_user (id),
  notice_served_on    date,
  ended_on            date,
  end_reason          text,
  archived_on         date,
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now()
);
-- One live registration per person.
CREATE UNIQUE INDEX registration_one_active_idx ON registration (person_id) WHERE status = 'active';
CREATE INDEX registration_status_idx ON registration (status);

-- An officer's change to the notification profile for one person, with reason.
CREATE TABLE profile_adjustment (
  id               uuid PRIMARY KEY,
  registration_id  uuid NOT NULL REFERENCES registration (id),
  item             text NOT NULL,
  action           text NOT NULL CHECK (action IN ('add', 'remove')),
  reason           text NOT NULL,
  made_at          timestamptz NOT NULL DEFAULT now(),
  made_by          uuid REFERENCES app_user (id)
);
CREATE INDEX profile_adjustment_registration_idx ON profile_adjustment (registration_id);

CREATE TABLE notification (
  id               uuid PRIMARY KEY,
  registration_id  uuid NOT NULL REFERENCES registration (id),
  person_id        uuid NOT NULL REFERENCES person (id),
  kind             text NOT NULL CHECK (kind IN ('initial', 'change', 'periodic', 'travel', 'travel-return', 'release')),
  received_on      date NOT NULL,
  event_date       date,
  departure_date   date,
  items            text[] NOT NULL DEFAULT '{}',
  details          jsonb NOT NULL DEFAULT '{}',
  station          text,
  received_at      timestamptz NOT NULL DEFAULT now(),
  received_by      uuid REFERENCES app_user (id)
);
CREATE INDEX notification_registration_idx ON notification (registration_id, received_on);

CREATE TABLE home_visit (
  id               uuid PRIMARY KEY,
  person_id        uuid NOT NULL REFERENCES person (id),
  registration_id  uuid REFERENCES registration (id),
  visited_on       date NOT NULL,
  outcome          text NOT NULL CHECK (outcome IN ('seen', 'not-seen', 'refused-entry')),
  notes            text NOT NULL DEFAULT '',
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  recorded_by      uuid REFERENCES app_user (id)
);
CREATE INDEX home_visit_person_idx ON home_visit (person_id, visited_on);

-- A suspected breach: at most one per obligation (the unique key is what makes
-- the scan idempotent, on any number of instances at once).
CREATE TABLE breach (
  id               uuid PRIMARY KEY,
  registration_id  uuid NOT NULL REFERENCES registration (id),
  person_id        uuid NOT NULL REFERENCES person (id),
  obligation_key   text NOT NULL,
  obligation_kind  text NOT NULL,
  provision        text NOT NULL,
  due_on           date NOT NULL,
  detected_on      date NOT NULL,
  status           text NOT NULL DEFAULT 'suspected' CHECK (status IN ('suspected', 'closed')),
  outcome          text CHECK (outcome IN ('reasonable-excuse', 'advice', 'caution', 'charged', 'no-breach')),
  outcome_notes    text,
  outcome_on       date,
  outcome_by       uuid REFERENCES app_user (id),
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (registration_id, obligation_key)
);
CREATE INDEX breach_person_idx ON breach (person_id);

CREATE TABLE task (
  id           uuid PRIMARY KEY,
  key          text NOT NULL UNIQUE,            -- one task per thing to do, however many scans see it
  person_id    uuid NOT NULL REFERENCES person (id),
  assignee_id  uuid REFERENCES app_user (id),
  kind         text NOT NULL,
  breach_id    uuid REFERENCES breach (id),
  registration_id uuid REFERENCES registration (id),
  title        text NOT NULL,
  due_on       date NOT NULL,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  done_at      timestamptz
);
CREATE INDEX task_assignee_idx ON task (assignee_id, status);

-- The person's timeline: every step, who and when.
CREATE TABLE timeline_event (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id    uuid NOT NULL REFERENCES person (id),
  kind         text NOT NULL,
  summary      text NOT NULL,
  data         jsonb NOT NULL DEFAULT '{}',
  occurred_on  date NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  actor_id     uuid REFERENCES app_user (id)
);
CREATE INDEX timeline_event_person_idx ON timeline_event (person_id, id);

-- DPA 2018 s.62 logging: collection, alteration, consultation, disclosure,
-- combination and erasure, with who, when and why. Append-only.
CREATE TABLE audit_event (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  actor_id        uuid,
  organisation_id text,
  operation       text NOT NULL CHECK (operation IN ('collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure', 'denied')),
  object_type     text NOT NULL,
  object_id       text,
  person_id       uuid,
  justification   text,
  detail          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_event_person_idx ON audit_event (person_id, at);
CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, at);

-- A retried POST with the same Idempotency-Key gets the first answer again.
CREATE TABLE idempotency_key (
  actor_id      uuid NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status        integer NOT NULL,
  body          jsonb NOT NULL,
  headers       jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor_id, key)
);

CREATE TABLE reference_counter (
  year   integer PRIMARY KEY,
  last   integer NOT NULL
);
