import assert from 'node:assert/strict'
import { test } from 'node:test'
import { baseItems, notificationProfile } from './profiles.ts'

const ids = (items: { id: string }[]) => items.map((i) => i.id)

test('each abuse type adds its items to the statutory base', () => {
  const base = ids([...baseItems])
  assert.deepEqual(ids(notificationProfile('intimate-partner', [])), [
    ...base,
    'new-relationships',
    'joint-commitments',
  ])
  assert.ok(ids(notificationProfile('stalking', [])).includes('online-identities'))
  assert.ok(ids(notificationProfile('family', [])).includes('household-members'))
  assert.ok(!ids(notificationProfile('family', [])).includes('online-identities'))
})

test('an officer can add or remove a tailored item for one person, but never a statutory one', () => {
  const adjusted = notificationProfile('stalking', [
    { item: 'phone-numbers', action: 'remove', reason: 'No phone allowed under licence' },
    { item: 'new-relationships', action: 'add', reason: 'Stalks former partners' },
    { item: 'bank-accounts', action: 'remove', reason: 'attempted' },
  ])
  assert.ok(!ids(adjusted).includes('phone-numbers'))
  assert.ok(ids(adjusted).includes('new-relationships'))
  assert.ok(ids(adjusted).includes('bank-accounts'), 'SI 2012/1876 reg 9 cannot be removed')
})
