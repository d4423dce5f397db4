import type { VictimContact } from '../explain/evaluation.ts'
import { isSchedule15On, type OffenceCode, offence } from '../offences/offences.ts'
import type { Conviction, PersonRecord } from '../record/person-record.ts'

// Which victims the probation service should offer contact: the statutory
// Victim Contact Scheme (DVCVA 2004 s.35) and the non-statutory Victim
// Notification Scheme. Source: shared/spec/legal-rules.md §5.

/** Protective-order breaches and CCB, which the Victim Notification Scheme covers besides stalking and harassment. */
const notificationSchemeOffences: ReadonlySet<OffenceCode> = new Set<OffenceCode>([
  'SCA2015-s76',
  'PHA1997-s5',
  'FLA1996-s42A',
  'SPA2019-s8',
  'DAA2021-s39',
])

/** DVCVA 2004 s.45: a "sexual or violent offence" is murder or a CJA 2003 Sch.15 offence (murder is listed with it). */
function sexualOrViolent(conviction: Conviction): boolean {
  return isSchedule15On(conviction.offence, conviction.date)
}

/** DVCVA 2004 s.35 "relevant sentence": immediate custody of 12 months or more (life included), or a hospital order. */
function relevantSentence(conviction: Conviction): string | null {
  const disposal = conviction.disposal
  if (disposal.type === 'hospital-order') return 'a hospital order'
  if (disposal.type !== 'custody' || disposal.suspended) return null
  if (disposal.life) return 'a life sentence'
  return disposal.months >= 12 ? `custody of ${disposal.months} months` : null
}

/** Victim Notification Scheme: stalking, harassment, CCB or an order breach, with immediate custody under 12 months. */
function notificationSentence(conviction: Conviction): string | null {
  const code = conviction.offence
  if (!offence(code).harassmentOrStalking && !notificationSchemeOffences.has(code)) return null
  const disposal = conviction.disposal
  if (disposal.type !== 'custody' || disposal.suspended || disposal.life || disposal.months >= 12) return null
  return `custody of ${disposal.months} months`
}

function listIds(ids: readonly string[]): string {
  if (ids.length <= 1) return ids.join('')
  return `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`
}

function contactFor(victimId: string, convictions: readonly Conviction[]): VictimContact {
  const convictionIds = convictions.map((c) => c.id)
  const vcs = convictions.filter((c) => sexualOrViolent(c) && relevantSentence(c) !== null)
  if (vcs.length > 0) {
    const reasons = vcs.map((c) => `${c.id} (${offence(c.offence).title}, ${relevantSentence(c)})`)
    return {
      victimId,
      convictionIds,
      victimContactScheme: true,
      victimNotificationScheme: false,
      basis: `Victim Contact Scheme (DVCVA 2004 s.35): ${listIds(reasons)} ${vcs.length === 1 ? 'is a sexual or violent offence' : 'are sexual or violent offences'} (murder or CJA 2003 Sch.15) with a relevant sentence of 12 months' custody or more or a hospital order.`,
    }
  }
  const vns = convictions.filter((c) => notificationSentence(c) !== null)
  if (vns.length > 0) {
    const reasons = vns.map((c) => `${c.id} (${offence(c.offence).title}, ${notificationSentence(c)})`)
    return {
      victimId,
      convictionIds,
      victimContactScheme: false,
      victimNotificationScheme: true,
      basis: `Victim Notification Scheme (non-statutory): ${listIds(reasons)} ${vns.length === 1 ? 'is a' : 'are'} stalking, harassment, controlling or coercive behaviour or protective-order breach ${vns.length === 1 ? 'offence' : 'offences'} with immediate custody under 12 months, outside the statutory Victim Contact Scheme.`,
    }
  }
  return {
    victimId,
    convictionIds,
    victimContactScheme: false,
    victimNotificationScheme: false,
    basis: `Neither scheme: ${listIds(convictionIds)} ${convictionIds.length === 1 ? 'is not' : 'are not'} a sexual or violent offence with 12 months' immediate custody or a hospital order (DVCVA 2004 s.35), nor a stalking, harassment, controlling or coercive behaviour or order-breach offence with immediate custody under 12 months (Victim Notification Scheme).`,
  }
}

/** One entry per distinct victim across the convictions, in first-seen order, with the convictions that link them. */
export function victimContactFor(record: PersonRecord): VictimContact[] {
  const byVictim = new Map<string, Conviction[]>()
  for (const conviction of record.convictions) {
    for (const victim of conviction.victims) {
      const linked = byVictim.get(victim.id)
      if (linked === undefined) byVictim.set(victim.id, [conviction])
      else if (!linked.includes(conviction)) linked.push(conviction)
    }
  }
  return [...byVictim].map(([victimId, convictions]) => contactFor(victimId, convictions))
}
