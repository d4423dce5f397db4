// The offence catalogue: the offences the register reasons about, as data.
// Sources: shared/spec/legal-rules.md §2-§3 and §6 and the statutes named in
// each entry. `confirmed: false` marks a fact the research could not confirm
// ([U] in legal-rules.md); docs/policies.md lists them.
//
// To add an offence: add an entry here with its statute, mode of trial,
// maximum penalty and schedule listings, then add a row to the catalogue test.

export type ModeOfTrial = 'summary-only' | 'either-way' | 'indictable-only'

export interface MaxPenalty {
  /** Years on indictment, or 'life'. Null where the offence is summary only. */
  onIndictment: number | 'life' | null
  /** Months on summary conviction, or null where indictable only. */
  summaryMonths: number | null
  note?: string
}

export interface ScheduleListing {
  listed: boolean
  /** Listed only from this date (ISO), e.g. CCB in CJA 2003 Sch.15 from 3 February 2025. */
  from?: string
  confirmed: boolean
  note?: string
}

export interface Offence {
  code: string
  title: string
  statute: string
  /** ISO date the offence came into force, where it is recent enough to matter. */
  inForceFrom?: string
  modeOfTrial: ModeOfTrial
  maxPenalty: MaxPenalty
  /** PHA 1997 s.2A or s.4A: the "specified stalking offence" of the 2024 proposals. */
  specifiedStalking: boolean
  /** Harassment or stalking offences: "family violence (stalking included)" for Guam, VNS for victims. */
  harassmentOrStalking: boolean
  /** Criminal Justice Act 2003 Sch.15 (specified violent and sexual offences; Sentencing Code Sch.18). */
  cjaSchedule15: ScheduleListing
  /** Sexual Offences Act 2003 Sch.3: conviction already brings SOA Part 2 notification requirements. */
  soaSchedule3: ScheduleListing
  /** Personal connection is an element of the offence itself (CCB: SCA 2015 s.76(1)(b)). */
  personalConnectionIsElement: boolean
  /** Commonly prosecuted in a domestic abuse context (CPS DA flag often applied). */
  typicallyDomesticAbuse: boolean
  sexual: boolean
  /** A conditional discharge is not available on conviction. */
  noConditionalDischarge?: { provision: string }
  aliases?: string[]
  notes?: string
}

const notListed: ScheduleListing = { listed: false, confirmed: true }
const notListedUnconfirmed: ScheduleListing = { listed: false, confirmed: false }
const listed: ScheduleListing = { listed: true, confirmed: true }

export const offenceCatalogue = [
  {
    code: 'PHA1997-s2',
    title: 'Harassment',
    statute: 'Protection from Harassment Act 1997, s.2',
    modeOfTrial: 'summary-only',
    maxPenalty: { onIndictment: null, summaryMonths: 6, note: 'and/or a level 5 fine' },
    specifiedStalking: false,
    harassmentOrStalking: true,
    cjaSchedule15: notListedUnconfirmed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
    notes: 'A course of conduct: conduct on at least two occasions (s.7).',
  },
  {
    code: 'PHA1997-s2A',
    title: 'Stalking',
    statute: 'Protection from Harassment Act 1997, s.2A',
    inForceFrom: '2012-11-25',
    modeOfTrial: 'summary-only',
    maxPenalty: {
      onIndictment: null,
      summaryMonths: 6,
      note: '51 weeks in the statute, read as 6 months until CJA 2003 s.281(5) is in force; and/or a level 5 fine',
    },
    specifiedStalking: true,
    harassmentOrStalking: true,
    cjaSchedule15: notListedUnconfirmed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'PHA1997-s4',
    title: 'Putting people in fear of violence',
    statute: 'Protection from Harassment Act 1997, s.4',
    modeOfTrial: 'either-way',
    maxPenalty: {
      onIndictment: 10,
      summaryMonths: 12,
      note: '5 years on indictment for offences before 3 April 2017 (Policing and Crime Act 2017 s.175)',
    },
    specifiedStalking: false,
    harassmentOrStalking: true,
    cjaSchedule15: { listed: true, confirmed: false },
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'PHA1997-s4A',
    title: 'Stalking involving fear of violence or serious alarm or distress',
    statute: 'Protection from Harassment Act 1997, s.4A',
    inForceFrom: '2012-11-25',
    modeOfTrial: 'either-way',
    maxPenalty: {
      onIndictment: 10,
      summaryMonths: 12,
      note: '5 years on indictment for offences before 3 April 2017 (Policing and Crime Act 2017 s.175)',
    },
    specifiedStalking: true,
    harassmentOrStalking: true,
    cjaSchedule15: { listed: true, confirmed: true, note: 'Lords Hansard 26 February and 21 May 2024' },
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'PHA1997-s5',
    title: 'Breach of a restraining order',
    statute: 'Protection from Harassment Act 1997, s.5(5)',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 5, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: true,
    cjaSchedule15: notListedUnconfirmed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'SCA2015-s76',
    title: 'Controlling or coercive behaviour in an intimate or family relationship',
    statute: 'Serious Crime Act 2015, s.76',
    inForceFrom: '2015-12-29',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 5, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: {
      listed: true,
      from: '2025-02-03',
      confirmed: false,
      note: 'Automatic MAPPA Category 2 from 3 February 2025 (Victims and Prisoners Act 2024); the statutory hook (Sch.15 or s.327) is unconfirmed',
    },
    soaSchedule3: notListed,
    personalConnectionIsElement: true,
    typicallyDomesticAbuse: true,
    sexual: false,
    notes:
      'Former partners who no longer live together are covered from 5 April 2023 (DA Act 2021 s.68). Victims under 16 for whom the offender is responsible are excluded (s.76(3)).',
  },
  {
    code: 'SCA2015-s75A',
    title: 'Strangulation or suffocation',
    statute: 'Serious Crime Act 2015, s.75A',
    inForceFrom: '2022-06-07',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 5, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: { listed: true, confirmed: true, note: 'Lords Hansard 2024' },
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'OAPA1861-s16',
    title: 'Threats to kill',
    statute: 'Offences against the Person Act 1861, s.16',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 10, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: listed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'OAPA1861-s18',
    title: 'Wounding or causing grievous bodily harm with intent',
    statute: 'Offences against the Person Act 1861, s.18',
    modeOfTrial: 'indictable-only',
    maxPenalty: { onIndictment: 'life', summaryMonths: null },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: listed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'OAPA1861-s20',
    title: 'Unlawful wounding or inflicting grievous bodily harm',
    statute: 'Offences against the Person Act 1861, s.20',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 5, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: listed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'OAPA1861-s47',
    title: 'Assault occasioning actual bodily harm',
    statute: 'Offences against the Person Act 1861, s.47',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 5, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: listed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'CJA1988-s39',
    title: 'Common assault and battery',
    statute: 'Criminal Justice Act 1988, s.39',
    modeOfTrial: 'summary-only',
    maxPenalty: { onIndictment: null, summaryMonths: 6, note: 'and/or a fine' },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: notListed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'CDA1971-s1',
    title: 'Criminal damage',
    statute: 'Criminal Damage Act 1971, s.1(1)',
    modeOfTrial: 'either-way',
    maxPenalty: {
      onIndictment: 10,
      summaryMonths: 6,
      note: 'summary only where the damage is under £5,000 (Magistrates’ Courts Act 1980 s.22); s.1(2) and arson are separate Sch.15 offences',
    },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: notListed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'SOA2003-s1',
    title: 'Rape',
    statute: 'Sexual Offences Act 2003, s.1',
    modeOfTrial: 'indictable-only',
    maxPenalty: { onIndictment: 'life', summaryMonths: null },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: listed,
    soaSchedule3: listed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: true,
  },
  {
    code: 'SOA2003-s3',
    title: 'Sexual assault',
    statute: 'Sexual Offences Act 2003, s.3',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 10, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: listed,
    soaSchedule3: {
      listed: true,
      confirmed: false,
      note: 'Sch.3 para 18 applies only above thresholds of age and sentence',
    },
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: true,
  },
  {
    code: 'FLA1996-s42A',
    title: 'Breach of a non-molestation order',
    statute: 'Family Law Act 1996, s.42A',
    inForceFrom: '2007-07-01',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 5, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: notListedUnconfirmed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'SPA2019-s8',
    title: 'Breach of a stalking protection order',
    statute: 'Stalking Protection Act 2019, s.8',
    inForceFrom: '2020-01-20',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 5, summaryMonths: 6 },
    specifiedStalking: false,
    harassmentOrStalking: true,
    cjaSchedule15: notListedUnconfirmed,
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
  },
  {
    code: 'DAA2021-s39',
    title: 'Breach of a domestic abuse protection order',
    statute: 'Domestic Abuse Act 2021, s.39',
    inForceFrom: '2024-11-27',
    modeOfTrial: 'either-way',
    maxPenalty: { onIndictment: 5, summaryMonths: 6, note: 'general limit in the magistrates’ court' },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: notListedUnconfirmed,
    soaSchedule3: notListed,
    personalConnectionIsElement: true,
    typicallyDomesticAbuse: true,
    sexual: false,
    noConditionalDischarge: { provision: 'Domestic Abuse Act 2021 s.39' },
    notes: 'In force in pilot areas from 27 November 2024 (SI 2024/1191).',
  },
  {
    code: 'MADPA1965-s1',
    title: 'Murder',
    statute: 'Common law; mandatory life sentence under the Murder (Abolition of Death Penalty) Act 1965, s.1',
    modeOfTrial: 'indictable-only',
    maxPenalty: { onIndictment: 'life', summaryMonths: null, note: 'mandatory life' },
    specifiedStalking: false,
    harassmentOrStalking: false,
    cjaSchedule15: { listed: true, confirmed: true, note: 'named with Sch.15 in CJA 2003 s.327(3)' },
    soaSchedule3: notListed,
    personalConnectionIsElement: false,
    typicallyDomesticAbuse: true,
    sexual: false,
    aliases: ['murder', 'CL-murder'],
  },
] as const satisfies readonly Offence[]

export type OffenceCode = (typeof offenceCatalogue)[number]['code']
