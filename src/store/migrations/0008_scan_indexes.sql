-- What the scheduled scans look for, found by index rather than by reading
-- every record (bench/register.ts: at 1,000,000 persons and 2,000,000 victims
-- the retention review candidates took about 0.9 s of every compliance scan,
-- a walk of both tables in id order to keep a few hundred rows).
--
-- Retention review candidates (src/app/retention.ts, DPA 2018 s.39): each way
-- a record can fall due is one index; next_review_on and date_of_birth already
-- have theirs (0005, 0001).
CREATE INDEX person_restricted_idx ON person (restricted_on) WHERE restricted_on IS NOT NULL AND erased_on IS NULL;
CREATE INDEX person_created_idx ON person (created_at) WHERE erased_on IS NULL;
CREATE INDEX victim_restricted_idx ON victim (restricted_on) WHERE restricted_on IS NOT NULL AND erased_on IS NULL;
CREATE INDEX victim_created_idx ON victim (created_at) WHERE erased_on IS NULL;
CREATE INDEX registration_archive_review_idx ON registration (retention_review_on) WHERE status = 'archived';

-- A person's tasks: the compliance scan reads what it has already raised for
-- the people in a slice (so it does not send them again), and recording a home
-- visit closes the person's overdue-visit task; both read the whole task table
-- without it.
CREATE INDEX task_person_idx ON task (person_id);
