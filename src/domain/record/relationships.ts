// How a victim or other party is related to the person, in the categories of
// "personally connected" in the Domestic Abuse Act 2021 s.2, plus the two kinds
// of relationship that are not a personal connection.

export interface RelationshipKind {
  /** DA Act 2021 s.2(1) paragraph, or null where the parties are not personally connected. */
  provision: string | null
  group: 'intimate' | 'co-parent' | 'family' | 'none'
  label: string
}

export const relationships = {
  spouse: { provision: 'DA Act 2021 s.2(1)(a)', group: 'intimate', label: 'spouse' },
  'ex-spouse': { provision: 'DA Act 2021 s.2(1)(a)', group: 'intimate', label: 'former spouse' },
  'civil-partner': { provision: 'DA Act 2021 s.2(1)(b)', group: 'intimate', label: 'civil partner' },
  'ex-civil-partner': { provision: 'DA Act 2021 s.2(1)(b)', group: 'intimate', label: 'former civil partner' },
  engaged: { provision: 'DA Act 2021 s.2(1)(c)', group: 'intimate', label: 'agreed to marry' },
  'ex-engaged': {
    provision: 'DA Act 2021 s.2(1)(c)',
    group: 'intimate',
    label: 'agreed to marry (agreement ended)',
  },
  'civil-partnership-agreement': {
    provision: 'DA Act 2021 s.2(1)(d)',
    group: 'intimate',
    label: 'civil partnership agreement',
  },
  'ex-civil-partnership-agreement': {
    provision: 'DA Act 2021 s.2(1)(d)',
    group: 'intimate',
    label: 'civil partnership agreement (ended)',
  },
  partner: { provision: 'DA Act 2021 s.2(1)(e)', group: 'intimate', label: 'intimate partner' },
  'ex-partner': { provision: 'DA Act 2021 s.2(1)(e)', group: 'intimate', label: 'former intimate partner' },
  'co-parent': {
    provision: 'DA Act 2021 s.2(1)(f)',
    group: 'co-parent',
    label: 'parent of, or with parental responsibility for, the same child',
  },
  parent: { provision: 'DA Act 2021 s.2(1)(g)', group: 'family', label: 'parent' },
  child: { provision: 'DA Act 2021 s.2(1)(g)', group: 'family', label: 'son or daughter' },
  sibling: { provision: 'DA Act 2021 s.2(1)(g)', group: 'family', label: 'brother or sister' },
  grandparent: { provision: 'DA Act 2021 s.2(1)(g)', group: 'family', label: 'grandparent' },
  grandchild: { provision: 'DA Act 2021 s.2(1)(g)', group: 'family', label: 'grandchild' },
  'other-relative': {
    provision: 'DA Act 2021 s.2(1)(g)',
    group: 'family',
    label: 'other relative (Family Law Act 1996 s.63(1))',
  },
  acquaintance: { provision: null, group: 'none', label: 'acquaintance (not personally connected)' },
  stranger: { provision: null, group: 'none', label: 'stranger' },
} as const satisfies Record<string, RelationshipKind>

export type Relationship = keyof typeof relationships
export const relationshipNames = Object.keys(relationships) as Relationship[]

export function isPersonallyConnected(relationship: Relationship): boolean {
  return relationships[relationship].provision !== null
}
