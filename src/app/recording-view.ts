import { canWrite, type Section, visibleSections } from '../domain/access/sections.ts'
import type { Queryable } from '../store/database.ts'
import { authorised, type Call, transact } from './context.ts'
import { NotFound } from './errors.ts'
import { isUuid, loadPersonToRead, type PersonRow } from './people.ts'
import { consult, type ReachRow } from './record-access.ts'

// What a recording form (a notification, a home visit, a breach outcome, a
// risk assessment or plan) shows before anything is recorded: who the record
// is about, the versions a stale form is checked against, and only the part
// of the record the form works on. Opening a form is a consultation of the
// record, audited with the user's reason; only someone who may record on the
// case (it is their organisation's, or shared with it in full) is shown one.

export interface SubjectPerson {
  id: string
  reference: string
  name: string
  dateOfBirth: string
  /** The person's version: the facts forms (risk assessment, plan) are checked against it. */
  version: number
}

export interface ActiveRegistration {
  id: string
  version: number
  notificationDuties: boolean
  noFixedAbode: boolean
  inCustody: boolean
  /** Whether the initial notification (SOA 2003 s.83) is already recorded. */
  initialRecorded: boolean
}

export interface CurrentPlan {
  id: string
  summary: string
  actions: { action: string; owner: string; dueOn?: string }[]
  sharedWithPartners: string[]
  reviewOn?: string
}

export interface RecordingSubject {
  person: SubjectPerson
  /** The active registration, when the reader is shown registrations; null when there is none. */
  registration: ActiveRegistration | null
  /** The current risk management plan, when the reader is shown the risk section. */
  plan: CurrentPlan | null
}

/** Loads a person the actor may record on, with the sections they are shown; otherwise "not found" (audited). */
async function personToRecordOn(tx: Queryable, call: Call, personId: string) {
  const { person, reach } = await loadPersonToRead(tx, call, personId)
  if (!canWrite(reach.reach)) {
    throw new NotFound('person', {
      type: 'person',
      id: personId,
      personId,
      reason: `reach ${reach.reach} is read-only`,
    })
  }
  return { person, shown: sectionsShown(call, reach) }
}

const sectionsShown = (call: Call, reach: ReachRow) =>
  visibleSections(call.actor, reach.reach, reach.planShared as Section[])

const subjectPerson = (person: PersonRow): SubjectPerson => ({
  id: person.id,
  reference: person.reference,
  name: `${person.given_names} ${person.family_name}`,
  dateOfBirth: person.date_of_birth,
  version: person.version,
})

/** The person a recording form is about, their active registration and current plan, as far as the reader is shown them. */
export async function recordingSubject(call: Call, personId: string): Promise<RecordingSubject> {
  await authorised(call, 'person:read')
  return transact(call, async (tx) => {
    const { person, shown } = await personToRecordOn(tx, call, personId)
    const registration = shown.has('registration') ? await activeRegistration(tx, personId) : null
    const plan = shown.has('risk') ? await currentPlan(tx, personId) : null
    await consult(tx, call, { type: 'person', id: personId, personId }, { purpose: 'recording form' })
    return { person: subjectPerson(person), registration, plan }
  })
}

async function activeRegistration(tx: Queryable, personId: string): Promise<ActiveRegistration | null> {
  const rows = await tx.query<{
    id: string
    version: number
    notification_duties: boolean
    no_fixed_abode: boolean
    in_custody: boolean
    initial_recorded: boolean
  }>(
    `SELECT r.id, r.version, r.notification_duties, r.no_fixed_abode, r.in_custody,
            EXISTS (SELECT 1 FROM notification n WHERE n.registration_id = r.id AND n.kind = 'initial') AS initial_recorded
       FROM registration r WHERE r.person_id = $1 AND r.status = 'active'`,
    [personId],
  )
  const row = rows[0]
  if (row === undefined) return null
  return {
    id: row.id,
    version: row.version,
    notificationDuties: row.notification_duties,
    noFixedAbode: row.no_fixed_abode,
    inCustody: row.in_custody,
    initialRecorded: row.initial_recorded,
  }
}

async function currentPlan(tx: Queryable, personId: string): Promise<CurrentPlan | null> {
  const rows = await tx.query<{ id: string; data: Record<string, unknown> }>(
    `SELECT id, data FROM person_fact WHERE person_id = $1 AND kind = 'risk-management-plan' AND superseded_by IS NULL
      ORDER BY recorded_at DESC, id LIMIT 1`,
    [personId],
  )
  const row = rows[0]
  if (row === undefined) return null
  const data = row.data
  const actions = Array.isArray(data.actions) ? (data.actions as CurrentPlan['actions']) : []
  const shared = Array.isArray(data.sharedWithPartners) ? (data.sharedWithPartners as string[]) : []
  return {
    id: row.id,
    summary: typeof data.summary === 'string' ? data.summary : '',
    actions,
    sharedWithPartners: shared,
    ...(typeof data.reviewOn === 'string' ? { reviewOn: data.reviewOn } : {}),
  }
}

export interface BreachToDecide {
  person: SubjectPerson
  breach: {
    id: string
    obligationKey: string
    obligationKind: string
    provision: string
    dueOn: string
    detectedOn: string
    status: 'suspected' | 'closed'
    outcome: string | null
    outcomeNotes: string | null
    outcomeOn: string | null
    /** The breach's version: the outcome form is checked against it. */
    version: number
  }
}

/** One suspected breach, for the officer deciding its outcome: only on a case they may record on. */
export async function breachToDecide(call: Call, breachId: string): Promise<BreachToDecide> {
  await authorised(call, 'breach:read')
  if (!isUuid(breachId)) throw new NotFound('breach')
  return transact(call, async (tx) => {
    const rows = await tx.query<{
      id: string
      person_id: string
      obligation_key: string
      obligation_kind: string
      provision: string
      due_on: string
      detected_on: string
      status: 'suspected' | 'closed'
      outcome: string | null
      outcome_notes: string | null
      outcome_on: string | null
      version: number
    }>(
      `SELECT id, person_id, obligation_key, obligation_kind, provision, due_on, detected_on, status, outcome,
              outcome_notes, outcome_on, version
         FROM breach WHERE id = $1`,
      [breachId],
    )
    const row = rows[0]
    if (row === undefined) throw new NotFound('breach')
    const { person, shown } = await personToRecordOn(tx, call, row.person_id)
    if (!shown.has('compliance')) {
      throw new NotFound('breach', {
        type: 'breach',
        id: breachId,
        personId: row.person_id,
        reason: 'section compliance not shown',
      })
    }
    await consult(tx, call, { type: 'breach', id: breachId, personId: row.person_id })
    return {
      person: subjectPerson(person),
      breach: {
        id: row.id,
        obligationKey: row.obligation_key,
        obligationKind: row.obligation_kind,
        provision: row.provision,
        dueOn: row.due_on,
        detectedOn: row.detected_on,
        status: row.status,
        outcome: row.outcome,
        outcomeNotes: row.outcome_notes,
        outcomeOn: row.outcome_on,
        version: row.version,
      },
    }
  })
}
