-- What the compliance scan reads (src/app/compliance.ts, decision 0010), held
-- in indexes on person_id that cover it, so each slice of the scan is one
-- statement of index-only range scans merged in person order, and reads
-- neither the tables nor a person's row (at 1,000,000 persons the person
-- table is 187 MB; the largest of these indexes, 21 MB).

-- The active registrations, with the columns the obligations rules read.
CREATE INDEX registration_scan_idx ON registration (person_id)
  INCLUDE (id, registered_on, initial_due, last_day, no_fixed_abode, in_custody, notification_duties)
  WHERE status = 'active';

-- A person's risk level, which sets how often they are visited; a person with
-- none (not assessed) is not in it.
CREATE INDEX person_risk_idx ON person (id) INCLUDE (risk_level) WHERE risk_level IS NOT NULL;

-- The visits that count (`visitThatCounts` in domain/register/obligations.ts).
CREATE INDEX home_visit_seen_idx ON home_visit (person_id, visited_on) WHERE outcome = 'seen';

-- Notifications, grouped by registration within a person, as the rules read
-- them; the few travel notifications given at short notice are listed apart
-- (the flag is in `details`, which is not indexed).
CREATE INDEX notification_scan_idx ON notification (person_id, registration_id)
  INCLUDE (id, kind, received_on, event_date, departure_date);
CREATE INDEX notification_short_notice_idx ON notification (person_id) INCLUDE (id)
  WHERE (details->>'shortNotice') = 'true';

-- What earlier scans raised: breaches, and the tasks of a registration that
-- are not a breach's (overdue home visits, periods ended).
CREATE INDEX breach_scan_idx ON breach (person_id) INCLUDE (registration_id, obligation_key);
CREATE INDEX task_scan_idx ON task (person_id) INCLUDE (key) WHERE registration_id IS NOT NULL AND breach_id IS NULL;
