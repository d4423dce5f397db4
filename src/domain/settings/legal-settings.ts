// Points of law the research could not confirm ([U] in shared/spec/legal-rules.md)
// become settings with the documented default, so a deployment can follow
// its own legal advice without changing the code. docs/policies.md lists them.

export interface LegalSettings {
  /**
   * "Within the period of 3 days beginning with X" (SOA 2003 s.83(1), s.84(1)).
   * 'day-one': X is day one and the deadline is X + 2 days (legal-rules §0 [U]).
   * 'after-day': the period starts the day after X, deadline X + 3 days.
   */
  threeDayReading: 'day-one' | 'after-day'
  /** A suspended sentence counts as imprisonment of its term in the s.82 table. */
  suspendedSentenceIsImprisonmentForS82: boolean
  /** The s.82 period keeps running while the person is in custody (legal-rules §0 [U]). */
  notificationPeriodRunsInCustody: boolean
  /** s.91B(2): years from first notification after release to the first review (adult / under 18 on the relevant date). */
  indefiniteReviewYears: { adult: number; youth: number }
  /** CCB becomes a MAPPA Category 2 offence from this date (Victims and Prisoners Act 2024; hook [U]). */
  ccbMappaCategory2From: string
}

export const defaultLegalSettings: LegalSettings = {
  threeDayReading: 'day-one',
  suspendedSentenceIsImprisonmentForS82: true,
  notificationPeriodRunsInCustody: true,
  indefiniteReviewYears: { adult: 15, youth: 8 },
  ccbMappaCategory2From: '2025-02-03',
}
