import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { day } from '../dates/day.ts'
import { riskLevelAfter, singleValued, succession } from './history.ts'

describe('history: a new fact among those recorded before', () => {
  it('only the home address (or no fixed abode) is single-valued; other facts are additions', () => {
    assert.equal(singleValued('address', { addressType: 'home' })?.slot, 'home-address')
    assert.equal(singleValued('address', { addressType: 'no-fixed-abode' })?.slot, 'home-address')
    assert.equal(singleValued('address', { addressType: 'other-7-days' }), undefined)
    for (const kind of ['name', 'phone', 'email', 'vehicle', 'online-identity', 'bank-account', 'relationship']) {
      assert.equal(singleValued(kind, {}), undefined, kind)
    }
  })

  it('a new home address ends the one in force the day before it begins', () => {
    const result = succession({ from: day('2026-10-01') }, [
      { id: 'old', from: day('2024-12-01') },
      { id: 'unknown-start' },
    ])
    assert.deepEqual(result, {
      ended: [
        { id: 'old', to: day('2026-09-30') },
        { id: 'unknown-start', to: day('2026-09-30') },
      ],
      replaced: [],
    })
  })

  it('an address already ended before the new one began is left alone; one ending later is cut short', () => {
    const result = succession({ from: day('2026-10-01') }, [
      { id: 'ended', from: day('2020-01-01'), to: day('2024-11-30') },
      { id: 'overlapping', from: day('2024-12-01'), to: day('2027-01-31') },
    ])
    assert.deepEqual(result.ended, [{ id: 'overlapping', to: day('2026-09-30') }])
  })

  it('one that began the same day is replaced; one that began later ends the new one', () => {
    assert.deepEqual(succession({ from: day('2026-10-01') }, [{ id: 'same', from: day('2026-10-01') }]), {
      ended: [],
      replaced: ['same'],
    })
    const late = succession({ from: day('2025-03-01') }, [
      { id: 'earlier', from: day('2024-01-01') },
      { id: 'later', from: day('2026-10-01') },
      { id: 'later still', from: day('2027-01-01') },
    ])
    assert.deepEqual(late.ended, [{ id: 'earlier', to: day('2025-02-28') }])
    assert.equal(late.newTo, day('2026-09-30'))
  })

  it('a past period recorded with its own end date changes nothing else', () => {
    assert.deepEqual(succession({ from: day('2020-01-01'), to: day('2020-12-31') }, [{ id: 'current' }]), {
      ended: [],
      replaced: [],
    })
  })
})

describe('history: the risk level a risk assessment sets', () => {
  it('the newest assessment sets the level; an older one does not; the same day, the one recorded last', () => {
    assert.equal(riskLevelAfter({ date: day('2026-11-01'), rosh: 'high' }, undefined), 'high')
    assert.equal(riskLevelAfter({ date: day('2026-11-01'), rosh: 'low' }, day('2026-10-01')), 'low')
    assert.equal(riskLevelAfter({ date: day('2026-09-01'), rosh: 'low' }, day('2026-10-01')), undefined)
    assert.equal(riskLevelAfter({ date: day('2026-10-01'), rosh: 'medium' }, day('2026-10-01')), 'medium')
  })

  it('an assessment that gives no RoSH level leaves the level as it is', () => {
    assert.equal(riskLevelAfter({ date: day('2026-11-01') }, undefined), undefined)
  })
})
