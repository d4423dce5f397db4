-- Multi-agency access: the organisations of England and Wales that work with
-- the register, shares of a record with another agency, and "need to know"
-- access that is flagged for review (DPA 2018 s.57(5): personal data is not
-- made accessible to an indefinite number of people without intervention).

-- Partner agencies say which sector they are in, for sharing by a plan.
ALTER TABLE organisation ADD COLUMN sector text
  CHECK (sector IS NULL OR sector IN ('health', 'childrens-services', 'housing', 'education', 'other'));
ALTER TABLE organisation ADD COLUMN disabled boolean NOT NULL DEFAULT false;

-- The standing catalogue: the 43 territorial police forces, the 12 probation
-- regions, a victim liaison unit per region, and the 42 MAPPA areas (which
-- follow police force areas, the Metropolitan and City of London forces
-- sharing London). Prisons and partner agencies are added by administrators.
INSERT INTO organisation (id, name, kind) VALUES
  ('police:avon-and-somerset', 'Avon and Somerset Constabulary', 'police'),
  ('police:bedfordshire', 'Bedfordshire Police', 'police'),
  ('police:cambridgeshire', 'Cambridgeshire Constabulary', 'police'),
  ('police:cheshire', 'Cheshire Constabulary', 'police'),
  ('police:city-of-london', 'City of London Police', 'police'),
  ('police:cleveland', 'Cleveland Police', 'police'),
  ('police:cumbria', 'Cumbria Constabulary', 'police'),
  ('police:derbyshire', 'Derbyshire Constabulary', 'police'),
  ('police:devon-and-cornwall', 'Devon and Cornwall Police', 'police'),
  ('police:dorset', 'Dorset Police', 'police'),
  ('police:durham', 'Durham Constabulary', 'police'),
  ('police:dyfed-powys', 'Dyfed-Powys Police', 'police'),
  ('police:essex', 'Essex Police', 'police'),
  ('police:gloucestershire', 'Gloucestershire Constabulary', 'police'),
  ('police:greater-manchester', 'Greater Manchester Police', 'police'),
  ('police:gwent', 'Gwent Police', 'police'),
  ('police:hampshire', 'Hampshire and Isle of Wight Constabulary', 'police'),
  ('police:hertfordshire', 'Hertfordshire Constabulary', 'police'),
  ('police:humberside', 'Humberside Police', 'police'),
  ('police:kent', 'Kent Police', 'police'),
  ('police:lancashire', 'Lancashire Constabulary', 'police'),
  ('police:leicestershire', 'Leicestershire Police', 'police'),
  ('police:lincolnshire', 'Lincolnshire Police', 'police'),
  ('police:merseyside', 'Merseyside Police', 'police'),
  ('police:metropolitan-police', 'Metropolitan Police Service', 'police'),
  ('police:norfolk', 'Norfolk Constabulary', 'police'),
  ('police:north-wales', 'North Wales Police', 'police'),
  ('police:north-yorkshire', 'North Yorkshire Police', 'police'),
  ('police:northamptonshire', 'Northamptonshire Police', 'police'),
  ('police:northumbria', 'Northumbria Police', 'police'),
  ('police:nottinghamshire', 'Nottinghamshire Police', 'police'),
  ('police:south-wales', 'South Wales Police', 'police'),
  ('police:south-yorkshire', 'South Yorkshire Police', 'police'),
  ('police:staffordshire', 'Staffordshire Police', 'police'),
  ('police:suffolk', 'Suffolk Constabulary', 'police'),
  ('police:surrey', 'Surrey Police', 'police'),
  ('police:sussex', 'Sussex Police', 'police'),
  ('police:thames-valley', 'Thames Valley Police', 'police'),
  ('police:warwickshire', 'Warwickshire Police', 'police'),
  ('police:west-mercia', 'West Mercia Police', 'police'),
  ('police:west-midlands', 'West Midlands Police', 'police'),
  ('police:west-yorkshire', 'West Yorkshire Police', 'police'),
  ('police:wiltshire', 'Wiltshire Police', 'police'),
  ('probation:north-east', 'Probation Service North East', 'probation'),
  ('probation:north-west', 'Probation Service North West', 'probation'),
  ('probation:yorkshire-and-the-humber', 'Probation Service Yorkshire and the Humber', 'probation'),
  ('probation:greater-manchester', 'Probation Service Greater Manchester', 'probation'),
  ('probation:east-midlands', 'Probation Service East Midlands', 'probation'),
  ('probation:west-midlands', 'Probation Service West Midlands', 'probation'),
  ('probation:east-of-england', 'Probation Service East of England', 'probation'),
  ('probation:kent-surrey-sussex', 'Probation Service Kent, Surrey and Sussex', 'probation'),
  ('probation:london', 'Probation Service London', 'probation'),
  ('probation:south-west', 'Probation Service South West', 'probation'),
  ('probation:south-central', 'Probation Service South Central', 'probation'),
  ('probation:wales', 'Probation Service Wales', 'probation'),
  ('victim-liaison:north-east', 'Victim Liaison Unit, North East', 'victim-liaison'),
  ('victim-liaison:north-west', 'Victim Liaison Unit, North West', 'victim-liaison'),
  ('victim-liaison:yorkshire-and-the-humber', 'Victim Liaison Unit, Yorkshire and the Humber', 'victim-liaison'),
  ('victim-liaison:greater-manchester', 'Victim Liaison Unit, Greater Manchester', 'victim-liaison'),
  ('victim-liaison:east-midlands', 'Victim Liaison Unit, East Midlands', 'victim-liaison'),
  ('victim-liaison:west-midlands', 'Victim Liaison Unit, West Midlands', 'victim-liaison'),
  ('victim-liaison:east-of-england', 'Victim Liaison Unit, East of England', 'victim-liaison'),
  ('victim-liaison:kent-surrey-sussex', 'Victim Liaison Unit, Kent, Surrey and Sussex', 'victim-liaison'),
  ('victim-liaison:london', 'Victim Liaison Unit, London', 'victim-liaison'),
  ('victim-liaison:south-west', 'Victim Liaison Unit, South West', 'victim-liaison'),
  ('victim-liaison:south-central', 'Victim Liaison Unit, South Central', 'victim-liaison'),
  ('victim-liaison:wales', 'Victim Liaison Unit, Wales', 'victim-liaison'),
  ('mappa:avon-and-somerset', 'MAPPA Coordination Unit, Avon and Somerset', 'mappa'),
  ('mappa:bedfordshire', 'MAPPA Coordination Unit, Bedfordshire', 'mappa'),
  ('mappa:cambridgeshire', 'MAPPA Coordination Unit, Cambridgeshire', 'mappa'),
  ('mappa:cheshire', 'MAPPA Coordination Unit, Cheshire', 'mappa'),
  ('mappa:cleveland', 'MAPPA Coordination Unit, Cleveland', 'mappa'),
  ('mappa:cumbria', 'MAPPA Coordination Unit, Cumbria', 'mappa'),
  ('mappa:derbyshire', 'MAPPA Coordination Unit, Derbyshire', 'mappa'),
  ('mappa:devon-and-cornwall', 'MAPPA Coordination Unit, Devon and Cornwall', 'mappa'),
  ('mappa:dorset', 'MAPPA Coordination Unit, Dorset', 'mappa'),
  ('mappa:durham', 'MAPPA Coordination Unit, Durham', 'mappa'),
  ('mappa:dyfed-powys', 'MAPPA Coordination Unit, Dyfed-Powys', 'mappa'),
  ('mappa:essex', 'MAPPA Coordination Unit, Essex', 'mappa'),
  ('mappa:gloucestershire', 'MAPPA Coordination Unit, Gloucestershire', 'mappa'),
  ('mappa:greater-manchester', 'MAPPA Coordination Unit, Greater Manchester', 'mappa'),
  ('mappa:gwent', 'MAPPA Coordination Unit, Gwent', 'mappa'),
  ('mappa:hampshire', 'MAPPA Coordination Unit, Hampshire', 'mappa'),
  ('mappa:hertfordshire', 'MAPPA Coordination Unit, Hertfordshire', 'mappa'),
  ('mappa:humberside', 'MAPPA Coordination Unit, Humberside', 'mappa'),
  ('mappa:kent', 'MAPPA Coordination Unit, Kent', 'mappa'),
  ('mappa:lancashire', 'MAPPA Coordination Unit, Lancashire', 'mappa'),
  ('mappa:leicestershire', 'MAPPA Coordination Unit, Leicestershire', 'mappa'),
  ('mappa:lincolnshire', 'MAPPA Coordination Unit, Lincolnshire', 'mappa'),
  ('mappa:merseyside', 'MAPPA Coordination Unit, Merseyside', 'mappa'),
  ('mappa:london', 'MAPPA Coordination Unit, London', 'mappa'),
  ('mappa:norfolk', 'MAPPA Coordination Unit, Norfolk', 'mappa'),
  ('mappa:north-wales', 'MAPPA Coordination Unit, North Wales', 'mappa'),
  ('mappa:north-yorkshire', 'MAPPA Coordination Unit, North Yorkshire', 'mappa'),
  ('mappa:northamptonshire', 'MAPPA Coordination Unit, Northamptonshire', 'mappa'),
  ('mappa:northumbria', 'MAPPA Coordination Unit, Northumbria', 'mappa'),
  ('mappa:nottinghamshire', 'MAPPA Coordination Unit, Nottinghamshire', 'mappa'),
  ('mappa:south-wales', 'MAPPA Coordination Unit, South Wales', 'mappa'),
  ('mappa:south-yorkshire', 'MAPPA Coordination Unit, South Yorkshire', 'mappa'),
  ('mappa:staffordshire', 'MAPPA Coordination Unit, Staffordshire', 'mappa'),
  ('mappa:suffolk', 'MAPPA Coordination Unit, Suffolk', 'mappa'),
  ('mappa:surrey', 'MAPPA Coordination Unit, Surrey', 'mappa'),
  ('mappa:sussex', 'MAPPA Coordination Unit, Sussex', 'mappa'),
  ('mappa:thames-valley', 'MAPPA Coordination Unit, Thames Valley', 'mappa'),
  ('mappa:warwickshire', 'MAPPA Coordination Unit, Warwickshire', 'mappa'),
  ('mappa:west-mercia', 'MAPPA Coordination Unit, West Mercia', 'mappa'),
  ('mappa:west-midlands', 'MAPPA Coordination Unit, West Midlands', 'mappa'),
  ('mappa:west-yorkshire', 'MAPPA Coordination Unit, West Yorkshire', 'mappa'),
  ('mappa:wiltshire', 'MAPPA Coordination Unit, Wiltshire', 'mappa')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind;

-- A record shared with another organisation, by someone who manages it, for a
-- recorded reason. "full" is co-management (probation with police, another
-- force after a move); "plan" shares only the fields a risk management plan
-- names, with a partner agency.
CREATE TABLE record_share (
  id               uuid PRIMARY KEY,
  person_id        uuid NOT NULL REFERENCES person (id),
  organisation_id  text NOT NULL REFERENCES organisation (id),
  scope            text NOT NULL CHECK (scope IN ('full', 'plan')),
  reason           text NOT NULL,
  granted_by       uuid REFERENCES app_user (id),
  granted_on       date NOT NULL,
  expires_on       date,
  revoked_on       date,
  revoked_by       uuid REFERENCES app_user (id),
  revoke_reason    text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_share_person_idx ON record_share (person_id, organisation_id) WHERE revoked_on IS NULL;
CREATE INDEX record_share_org_idx ON record_share (organisation_id) WHERE revoked_on IS NULL;

-- Access to a record outside one's organisation, justified by the user and
-- time-limited, flagged to the managing organisation for review.
CREATE TABLE need_to_know_access (
  id              uuid PRIMARY KEY,
  person_id       uuid NOT NULL REFERENCES person (id),
  user_id         uuid NOT NULL REFERENCES app_user (id),
  organisation_id text NOT NULL REFERENCES organisation (id),
  justification   text NOT NULL,
  opened_at       timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  review_outcome  text CHECK (review_outcome IS NULL OR review_outcome IN ('justified', 'not-justified')),
  review_note     text,
  reviewed_by     uuid REFERENCES app_user (id),
  reviewed_at     timestamptz
);
CREATE INDEX need_to_know_user_idx ON need_to_know_access (user_id, person_id, expires_at);
CREATE INDEX need_to_know_review_idx ON need_to_know_access (person_id) WHERE review_outcome IS NULL;
