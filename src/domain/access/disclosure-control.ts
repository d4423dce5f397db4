// Statistical disclosure control for the analysts' figures: a count small
// enough to point at a person is withheld, as in published crime statistics.

export const smallCountThreshold = 5

export interface Count {
  value: number | null
  /** True when the count was under the threshold and is withheld. */
  suppressed: boolean
}

/** 0 is shown (it names nobody); 1 to 4 are withheld; the rest are shown. */
export const disclosableCount = (value: number): Count =>
  value > 0 && value < smallCountThreshold ? { value: null, suppressed: true } : { value, suppressed: false }
