-- A person's registrations and notifications, looked up by person: reading the
-- record (src/app/people.ts readPerson), subject access, retention and erasure
-- all ask "WHERE person_id = $1". Registration had only the partial index of
-- active registrations and notification none by person, so each read of a
-- record scanned both tables whole (about 40 ms each at 200,000 registrants,
-- bench/register.ts).
CREATE INDEX registration_person_idx ON registration (person_id);
CREATE INDEX notification_person_idx ON notification (person_id, received_on);
