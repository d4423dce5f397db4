import { type Day, day } from '../dates/day.ts'
import { type Offence, type OffenceCode, offenceCatalogue, type ScheduleListing } from './catalogue.ts'

const byCode = new Map<string, Offence>()
const canonicalCode = new Map<string, OffenceCode>()
for (const offence of offenceCatalogue as readonly Offence[]) {
  byCode.set(offence.code, offence)
  canonicalCode.set(offence.code.toLowerCase(), offence.code as OffenceCode)
  for (const alias of offence.aliases ?? []) canonicalCode.set(alias.toLowerCase(), offence.code as OffenceCode)
}

export const offenceCodes = offenceCatalogue.map((offence) => offence.code) as OffenceCode[]

/** The catalogue code for a code or alias, ignoring case; undefined when unknown. */
export function resolveOffenceCode(codeOrAlias: string): OffenceCode | undefined {
  return canonicalCode.get(codeOrAlias.trim().toLowerCase())
}

export function offence(code: OffenceCode): Offence {
  const found = byCode.get(code)
  if (!found) throw new RangeError(`unknown offence code ${code}`)
  return found
}

const listingStarts = new Map<ScheduleListing, Day>()
function listingStart(listing: ScheduleListing): Day | undefined {
  if (!listing.from) return undefined
  let start = listingStarts.get(listing)
  if (start === undefined) {
    start = day(listing.from)
    listingStarts.set(listing, start)
  }
  return start
}

/** Whether a schedule listing applies on a date (some listings start later than the offence). */
export function listedOn(listing: ScheduleListing, on: Day): boolean {
  if (!listing.listed) return false
  const start = listingStart(listing)
  return start === undefined || on >= start
}

/** "Sexual or violent offence" of the Criminal Justice Act 2003 s.327 and DVCVA 2004 s.45: murder or Sch.15. */
export function isSchedule15On(code: OffenceCode, on: Day): boolean {
  return listedOn(offence(code).cjaSchedule15, on)
}

export type { Offence, OffenceCode } from './catalogue.ts'
