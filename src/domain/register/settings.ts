// How the register runs where the law leaves a choice, or where a point could
// not be confirmed ([U] in the legal research). Each default is documented in
// docs/register.md; a force changes them in one place.

export type RiskLevel = 'low' | 'medium' | 'high' | 'very-high'

export interface RegisterSettings {
  /** SOA 2003 s.86 and SI 2004/1220 as amended by SI 2012/1876: notify at least 7 days before departure [C]. */
  travelNoticeDays: number
  /**
   * Details not known 7 days ahead: notify at least this many hours before
   * departure. [U] for England and Wales (12 hours is the Northern Ireland rule,
   * SR 2014/185 reg 7); the register records it, the officer judges the hours.
   */
  travelShortNoticeHours: number
  /** Changed travel details: a fresh notification at least 24 hours before departure [C] (Nacro). */
  travelChangedDetailsHours: number
  /** SOA 2003 s.85(1): re-notify within one year after the last notification [C]. */
  periodicIntervalYears: number
  /** SI 2012/1876: weekly where the home address is a place where the person can regularly be found [C]. */
  noFixedAbodeIntervalDays: number
  /** First home visit due within this many days of registration (local practice [U]). */
  firstVisitWithinDays: number
  /** Days between home visits by risk level (local practice, APP MOSOVO says by risk [U]). */
  visitIntervalDays: Record<RiskLevel, number>
  /** Days between visits when no risk level is recorded: treated as the highest frequency until assessed. */
  visitIntervalUnassessedDays: number
  /** An obligation shows as "due" this many days before its deadline. */
  dueSoonDays: number
  /** MoPI-style retention: first review of an archived record after this many years [U]. */
  archiveFirstReviewYears: number
  /** …then every this many years [U] (MoPI Group 1: reviewed at most 10-yearly). */
  archiveReviewEveryYears: number
  /**
   * DPA 2018 s.62(3)(a): consultation logs show the justification. The Data
   * (Use and Access) Act 2025 s.82 removes that duty (commencement [U]), so a
   * reason is required by default and a force may make it optional.
   */
  consultationJustification: 'required' | 'optional'
  /** How long "need to know" access to another organisation's record lasts before it must be asked for again. */
  needToKnowHours: number
}

export const defaultRegisterSettings: RegisterSettings = {
  travelNoticeDays: 7,
  travelShortNoticeHours: 12,
  travelChangedDetailsHours: 24,
  periodicIntervalYears: 1,
  noFixedAbodeIntervalDays: 7,
  firstVisitWithinDays: 28,
  visitIntervalDays: { 'very-high': 28, high: 56, medium: 91, low: 182 },
  visitIntervalUnassessedDays: 28,
  dueSoonDays: 14,
  archiveFirstReviewYears: 2,
  archiveReviewEveryYears: 10,
  consultationJustification: 'required',
  needToKnowHours: 24,
}
