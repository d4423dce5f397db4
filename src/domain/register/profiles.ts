// What a registrant must tell the police: a base profile from SOA 2003 Part 2
// and the 2012 Regulations, plus the items a profile for the kind of abuse
// adds (the report's proposal that requirements be tailored to the harm:
// intimate-partner abuse, stalking, abuse within the family). An officer may
// add or remove an item for one person, with a recorded reason.

export type AbuseType = 'intimate-partner' | 'stalking' | 'family'
export const abuseTypes: readonly AbuseType[] = ['intimate-partner', 'stalking', 'family']

export interface ProfileItem {
  id: string
  label: string
  /** What the registrant is told, in plain words. */
  duty: string
  provision: string
}

const item = (id: string, label: string, duty: string, provision: string): ProfileItem => ({
  id,
  label,
  duty,
  provision,
})

/** SOA 2003 s.83(5) and SI 2012/1876: what every notification contains. */
export const baseItems: readonly ProfileItem[] = [
  item('date-of-birth', 'Date of birth', 'Your date of birth.', 'SOA 2003 s.83(5)(a)'),
  item('ni-number', 'National Insurance number', 'Your National Insurance number.', 'SOA 2003 s.83(5)(b)'),
  item(
    'names',
    'Names',
    'Every name you use, and any new name within 3 days of first using it.',
    'SOA 2003 s.83(5)(c),(e); s.84(1)(a)',
  ),
  item(
    'home-address',
    'Home address',
    'Your home address, and any change within 3 days of the change.',
    'SOA 2003 s.83(5)(d),(f); s.84(1)(b)',
  ),
  item(
    'other-addresses',
    'Other addresses',
    'Any other address in the UK where you stay for 7 days, or for 7 days in all within 12 months.',
    'SOA 2003 s.83(5)(g); s.84(1)(c), (6)',
  ),
  item(
    'bank-accounts',
    'Bank accounts and cards',
    'Each bank, building society or other account in your name or used by you, and each debit or credit card.',
    'SI 2012/1876 reg 9',
  ),
  item(
    'identity-documents',
    'Passports and identity documents',
    'Each passport or other document that shows your identity.',
    'SI 2012/1876 reg 9',
  ),
  item(
    'child-household',
    'Households with a child',
    'Staying for 12 hours or more in a household where a child under 18 lives or stays: the date, the address and how long.',
    'SI 2012/1876 reg 10',
  ),
  item(
    'foreign-travel',
    'Foreign travel',
    'Any travel outside the UK, at least 7 days before you leave.',
    'SOA 2003 s.86; SI 2004/1220 as amended by SI 2012/1876',
  ),
]

const proposal = 'Tailored profile (Hadjimatheou & Hamid, register report, pp.29-30 and 56)'

/** Items each abuse type adds to the base profile. */
export const abuseTypeItems: Readonly<Record<AbuseType, readonly ProfileItem[]>> = {
  'intimate-partner': [
    item(
      'new-relationships',
      'New relationships',
      'Any new intimate relationship, within 3 days of it starting.',
      proposal,
    ),
    item(
      'joint-commitments',
      'Joint commitments',
      'Any joint bank account, loan or tenancy with another person, within 3 days.',
      proposal,
    ),
  ],
  stalking: [
    item(
      'online-identities',
      'Online identities',
      'Every user name or profile you use online, including dating profiles, within 3 days.',
      proposal,
    ),
    item('phone-numbers', 'Phone numbers', 'Every phone number you use, within 3 days.', proposal),
    item('email-addresses', 'Email addresses', 'Every email address you use, within 3 days.', proposal),
  ],
  family: [
    item(
      'household-members',
      'Household members',
      'Anyone who comes to live in your household, within 3 days.',
      proposal,
    ),
  ],
}

export interface ProfileAdjustment {
  item: string
  action: 'add' | 'remove'
  reason: string
}

/** Every item an adjustment may name. */
export const allItems: readonly ProfileItem[] = [...baseItems, ...Object.values(abuseTypeItems).flat()]
export const profileItemIds: readonly string[] = allItems.map((entry) => entry.id)

/** Base items are the law: an officer cannot remove them for one person. */
export function isStatutory(itemId: string): boolean {
  return baseItems.some((entry) => entry.id === itemId)
}

/**
 * The items that apply to one person: the base, their abuse type's additions,
 * then the officer's adjustments in the order made (a later one wins).
 */
export function notificationProfile(abuseType: AbuseType, adjustments: readonly ProfileAdjustment[]): ProfileItem[] {
  const chosen = new Map<string, ProfileItem>()
  for (const entry of [...baseItems, ...abuseTypeItems[abuseType]]) chosen.set(entry.id, entry)
  for (const adjustment of adjustments) {
    const entry = allItems.find((candidate) => candidate.id === adjustment.item)
    if (entry === undefined) continue
    if (adjustment.action === 'add') chosen.set(entry.id, entry)
    else if (!isStatutory(entry.id)) chosen.delete(entry.id)
  }
  return allItems.filter((entry) => chosen.has(entry.id))
}
