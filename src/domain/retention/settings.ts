// Retention, review and disposal of the register's records, restriction and
// erasure, and subject access. Points the research could not confirm ([U] in
// shared/spec/security-anchors.md §3 and legal-rules.md §2.3) are settings with
// the documented default; docs/retention.md lists them with their sources.
//
// The first review of an archived registration (2 years after archiving, [U],
// ViSOR practice) is `archiveFirstReviewYears` in ../register/settings.ts: the
// archive step stores that date on the registration and the rules here read it.

export interface RetentionSettings {
  /**
   * DPA 2018 s.39(2) requires time limits for the periodic review of the need to
   * keep personal data [C]. APP "Retention, review and disposal", Group 1
   * ("certain public protection matters"): reviewed at least every 10 years [U].
   */
  reviewEveryYears: number
  /** APP Group 1: kept until the subject is deemed to be 100, when a review falls due [U]. */
  retainUntilAge: number
  /**
   * A restriction lasts only while it is necessary and proportionate
   * (DPA 2018 s.45(4), s.48(3); ICO Part 3 guidance: record the reasons), so a
   * restricted record is reviewed at least this often. Local practice [U].
   */
  restrictionReviewMonths: number
  /** DPA 2018 s.54(2): one month beginning with the relevant time [C]. */
  subjectAccessMonths: number
  /** DPA 2018 s.54(3A) (inserted by the Data (Use and Access) Act 2025): two further months, by notice [C]. */
  subjectAccessExtensionMonths: number
}

export const defaultRetentionSettings: RetentionSettings = {
  reviewEveryYears: 10,
  retainUntilAge: 100,
  restrictionReviewMonths: 12,
  subjectAccessMonths: 1,
  subjectAccessExtensionMonths: 2,
}
