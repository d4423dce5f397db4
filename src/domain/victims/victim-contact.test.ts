import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { day } from '../dates/day.ts'
import type { VictimContact } from '../explain/evaluation.ts'
import type { OffenceCode } from '../offences/offences.ts'
import type { Conviction, Disposal, PersonRecord } from '../record/person-record.ts'
import { victimContactFor } from './victim-contact.ts'

// Synthetic records only.

function conviction(
  id: string,
  offence: OffenceCode,
  disposal: Disposal,
  victims: string[] = ['V-1'],
  date = '2024-06-01',
): Conviction {
  return { id, date: day(date), offence, victims: victims.map((v) => ({ id: v })), disposal, context: {} }
}

function record(convictions: Conviction[]): PersonRecord {
  return {
    asOf: day('2025-06-01'),
    person: { id: 'P-1', dateOfBirth: day('1990-01-01') },
    convictions,
    cautions: [],
    incidents: [],
    riskAssessments: [],
  }
}

function single(c: Conviction): VictimContact {
  const contacts = victimContactFor(record([c]))
  assert.equal(contacts.length, 1)
  return contacts[0] as VictimContact
}

const custody = (months: number, extra: Partial<Extract<Disposal, { type: 'custody' }>> = {}): Disposal => ({
  type: 'custody',
  months,
  ...extra,
})

describe('victimContactFor', () => {
  const rows: { name: string; offence: OffenceCode; disposal: Disposal; date?: string; vcs: boolean; vns: boolean }[] =
    [
      {
        name: 'Sch.15 offence, custody exactly 12 months: VCS',
        offence: 'OAPA1861-s47',
        disposal: custody(12),
        vcs: true,
        vns: false,
      },
      {
        name: 'Sch.15 offence, custody 11 months: neither',
        offence: 'OAPA1861-s47',
        disposal: custody(11),
        vcs: false,
        vns: false,
      },
      {
        name: 'Sch.15 offence, suspended 24 months: neither',
        offence: 'OAPA1861-s20',
        disposal: custody(24, { suspended: true }),
        vcs: false,
        vns: false,
      },
      {
        name: 'Sch.15 offence, hospital order: VCS',
        offence: 'OAPA1861-s18',
        disposal: { type: 'hospital-order', restriction: false },
        vcs: true,
        vns: false,
      },
      {
        name: 'murder, life: VCS',
        offence: 'MADPA1965-s1',
        disposal: custody(0, { life: true }),
        vcs: true,
        vns: false,
      },
      {
        name: 'Sch.15 offence, DTO of 12 months: VCS',
        offence: 'SOA2003-s3',
        disposal: custody(12, { detentionAndTraining: true }),
        vcs: true,
        vns: false,
      },
      {
        name: 'non-Sch.15 offence, custody 18 months: neither',
        offence: 'CDA1971-s1',
        disposal: custody(18),
        vcs: false,
        vns: false,
      },
      {
        name: 'Sch.15 offence, fine: neither',
        offence: 'OAPA1861-s47',
        disposal: { type: 'fine' },
        vcs: false,
        vns: false,
      },
      {
        name: 'stalking (s.2A), custody 6 months: VNS',
        offence: 'PHA1997-s2A',
        disposal: custody(6),
        vcs: false,
        vns: true,
      },
      {
        name: 'stalking (s.4A), custody 11 months: VNS',
        offence: 'PHA1997-s4A',
        disposal: custody(11),
        vcs: false,
        vns: true,
      },
      {
        name: 'stalking (s.4A), custody 12 months: VCS, not VNS',
        offence: 'PHA1997-s4A',
        disposal: custody(12),
        vcs: true,
        vns: false,
      },
      {
        name: 'harassment, suspended 6 months: neither',
        offence: 'PHA1997-s2',
        disposal: custody(6, { suspended: true }),
        vcs: false,
        vns: false,
      },
      {
        name: 'harassment, community order: neither',
        offence: 'PHA1997-s2',
        disposal: { type: 'community', months: 12 },
        vcs: false,
        vns: false,
      },
      { name: 'CCB, custody 6 months: VNS', offence: 'SCA2015-s76', disposal: custody(6), vcs: false, vns: true },
      {
        name: 'CCB, custody 18 months before its Sch.15 listing: neither',
        offence: 'SCA2015-s76',
        disposal: custody(18),
        date: '2025-02-02',
        vcs: false,
        vns: false,
      },
      {
        name: 'CCB, custody 18 months from its Sch.15 listing: VCS',
        offence: 'SCA2015-s76',
        disposal: custody(18),
        date: '2025-02-03',
        vcs: true,
        vns: false,
      },
      {
        name: 'restraining order breach, custody 4 months: VNS',
        offence: 'PHA1997-s5',
        disposal: custody(4),
        vcs: false,
        vns: true,
      },
      {
        name: 'non-molestation order breach, custody 3 months: VNS',
        offence: 'FLA1996-s42A',
        disposal: custody(3),
        vcs: false,
        vns: true,
      },
      { name: 'SPO breach, custody 8 months: VNS', offence: 'SPA2019-s8', disposal: custody(8), vcs: false, vns: true },
      {
        name: 'DAPO breach, custody 2 months: VNS',
        offence: 'DAA2021-s39',
        disposal: custody(2),
        date: '2025-01-10',
        vcs: false,
        vns: true,
      },
      {
        name: 'order breach, custody 12 months: neither',
        offence: 'FLA1996-s42A',
        disposal: custody(12),
        vcs: false,
        vns: false,
      },
      {
        name: 'common assault, custody 6 months: neither',
        offence: 'CJA1988-s39',
        disposal: custody(6),
        vcs: false,
        vns: false,
      },
    ]
  for (const row of rows) {
    it(row.name, () => {
      const contact = single(conviction('C-1', row.offence, row.disposal, ['V-1'], row.date))
      assert.equal(contact.victimContactScheme, row.vcs)
      assert.equal(contact.victimNotificationScheme, row.vns)
      assert.deepEqual(contact.convictionIds, ['C-1'])
      assert.equal(contact.victimId, 'V-1')
      assert.match(contact.basis, /C-1/)
      if (row.vcs) assert.match(contact.basis, /DVCVA 2004 s\.35/)
      if (row.vns) assert.match(contact.basis, /Victim Notification Scheme/)
    })
  }

  it('links one victim across two convictions, and VCS from either makes the victim eligible', () => {
    const contacts = victimContactFor(
      record([
        conviction('C-1', 'PHA1997-s2A', custody(6), ['V-1'], '2022-01-10'),
        conviction('C-2', 'OAPA1861-s20', custody(24), ['V-1'], '2023-05-02'),
      ]),
    )
    assert.equal(contacts.length, 1)
    const [contact] = contacts
    assert.deepEqual(contact?.convictionIds, ['C-1', 'C-2'])
    assert.equal(contact?.victimContactScheme, true)
    assert.equal(contact?.victimNotificationScheme, false)
    assert.match(contact?.basis ?? '', /C-2/)
  })

  it('gives VNS where only a stalking conviction qualifies among several', () => {
    const [contact] = victimContactFor(
      record([
        conviction('C-1', 'OAPA1861-s47', { type: 'fine' }, ['V-1'], '2022-01-10'),
        conviction('C-2', 'PHA1997-s4A', custody(9), ['V-1'], '2023-05-02'),
      ]),
    )
    assert.equal(contact?.victimContactScheme, false)
    assert.equal(contact?.victimNotificationScheme, true)
  })

  it('lists victims in first-seen order, once each, and skips convictions without victims', () => {
    const contacts = victimContactFor(
      record([
        conviction('C-1', 'CJA1988-s39', { type: 'fine' }, []),
        conviction('C-2', 'OAPA1861-s47', custody(12), ['V-2', 'V-1', 'V-2']),
        conviction('C-3', 'PHA1997-s2', custody(3), ['V-3', 'V-1']),
      ]),
    )
    assert.deepEqual(
      contacts.map((c) => [c.victimId, c.convictionIds, c.victimContactScheme, c.victimNotificationScheme]),
      [
        ['V-2', ['C-2'], true, false],
        ['V-1', ['C-2', 'C-3'], true, false],
        ['V-3', ['C-3'], false, true],
      ],
    )
  })

  it('returns nothing for a record without convictions', () => {
    assert.deepEqual(victimContactFor(record([])), [])
  })

  it('writes a readable sentence', () => {
    const contact = single(conviction('C-7', 'OAPA1861-s47', custody(12)))
    assert.equal(
      contact.basis,
      "Victim Contact Scheme (DVCVA 2004 s.35): C-7 (Assault occasioning actual bodily harm, custody of 12 months) is a sexual or violent offence (murder or CJA 2003 Sch.15) with a relevant sentence of 12 months' custody or more or a hospital order.",
    )
  })
})
