// Restriction and erasure (DPA 2018 Part 3): the grounds a registrar records,
// each with its provision, and when erasure must give way to restriction.
//
// Two kinds of restriction share one record state ("restricted": kept, but
// hidden from normal use), because both must be recorded with a ground and a
// rationale (ICO Part 3 guidance) and reviewed while they last:
// - restriction of processing instead of erasure or rectification, s.47(2)
//   (needed as evidence) and s.47(3) (accuracy contested and not settled);
// - restriction of the data subject's rights, s.45(4) and s.48(3) (a)-(e).

export const restrictionGrounds = {
  a: {
    provision: 'DPA 2018 s.45(4)(a), s.48(3)(a)',
    summary: 'to avoid obstructing an official or legal inquiry, investigation or procedure',
  },
  b: {
    provision: 'DPA 2018 s.45(4)(b), s.48(3)(b)',
    summary:
      'to avoid prejudicing the prevention, detection, investigation or prosecution of criminal offences or the execution of criminal penalties',
  },
  c: { provision: 'DPA 2018 s.45(4)(c), s.48(3)(c)', summary: 'to protect public security' },
  d: { provision: 'DPA 2018 s.45(4)(d), s.48(3)(d)', summary: 'to protect national security' },
  e: { provision: 'DPA 2018 s.45(4)(e), s.48(3)(e)', summary: 'to protect the rights and freedoms of others' },
  evidence: {
    provision: 'DPA 2018 s.47(2)',
    summary: 'the data would be erased but must be kept for the purposes of evidence',
  },
  'accuracy-contested': {
    provision: 'DPA 2018 s.47(3)',
    summary: 'the data subject contests its accuracy and it cannot be ascertained whether it is accurate',
  },
} as const

export type RestrictionGround = keyof typeof restrictionGrounds
export const restrictionGroundCodes = Object.keys(restrictionGrounds) as RestrictionGround[]

/** The grounds on which a subject access answer may be restricted (s.45(4)); (e) protects victims. */
export const rightsRestrictionGrounds = ['a', 'b', 'c', 'd', 'e'] as const
export type RightsRestrictionGround = (typeof rightsRestrictionGrounds)[number]

export const erasureGrounds = {
  'no-longer-necessary': {
    provision: 'DPA 2018 s.47(1)(a) with s.39(1)',
    summary: 'a retention review found the data is no longer needed for the purpose it is held for',
  },
  'unlawful-processing': {
    provision: 'DPA 2018 s.47(1)(a)',
    summary: 'keeping it would infringe the data protection principles (ss.35-40)',
  },
  'legal-obligation': {
    provision: 'DPA 2018 s.47(1)(b)',
    summary: 'the controller has a legal obligation to erase it',
  },
} as const

export type ErasureGround = keyof typeof erasureGrounds
export const erasureGroundCodes = Object.keys(erasureGrounds) as ErasureGround[]

export interface RecordState {
  erased: boolean
  restricted: boolean
  /** A registration is active: the register's statutory purpose needs the record. */
  activeRegistration: boolean
  /** Suspected breaches not yet decided: evidence of a possible offence (SOA 2003 s.91 in the model regime). */
  openSuspectedBreaches: number
  /** The registrar says the data must be kept for the purposes of evidence. */
  neededAsEvidence: boolean
  /** The subject contests its accuracy and it cannot be settled. */
  accuracyContested: boolean
}

export interface Refusal {
  reason: string
  provision: string
  /** When the law says to restrict instead of erasing: the ground to restrict on. */
  restrictInstead?: RestrictionGround
}

/** Why the record cannot be erased now, or undefined when it can (DPA 2018 s.47). */
export function erasureRefusal(state: RecordState): Refusal | undefined {
  if (state.erased) return { reason: 'the record has already been erased', provision: 'DPA 2018 s.47' }
  if (state.activeRegistration) {
    return {
      reason:
        'a registration is active, so the record is necessary for the law enforcement purpose; end the registration first',
      provision: 'DPA 2018 s.35(2), s.39(1)',
    }
  }
  if (state.neededAsEvidence || state.openSuspectedBreaches > 0) {
    return {
      reason:
        state.openSuspectedBreaches > 0
          ? `${state.openSuspectedBreaches} suspected breach(es) have no outcome yet: the data must be kept as evidence, so restrict it instead`
          : 'the data must be kept for the purposes of evidence, so restrict it instead',
      provision: restrictionGrounds.evidence.provision,
      restrictInstead: 'evidence',
    }
  }
  if (state.accuracyContested) {
    return {
      reason: 'its accuracy is contested and cannot be settled, so restrict it instead',
      provision: restrictionGrounds['accuracy-contested'].provision,
      restrictInstead: 'accuracy-contested',
    }
  }
  return undefined
}

/** Why the record cannot be restricted now, or undefined when it can. */
export function restrictionRefusal(
  state: Pick<RecordState, 'erased' | 'restricted' | 'activeRegistration'>,
): Refusal | undefined {
  if (state.erased) return { reason: 'the record has been erased', provision: 'DPA 2018 s.47' }
  if (state.restricted) return { reason: 'the record is already restricted', provision: 'DPA 2018 s.47' }
  if (state.activeRegistration) {
    return {
      reason:
        'a registration is active and its duties need the record in use; end the registration, or correct the data (s.46), first',
      provision: 'DPA 2018 s.35(2)',
    }
  }
  return undefined
}
