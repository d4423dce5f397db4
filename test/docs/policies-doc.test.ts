import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { policies } from '../../src/domain/policies/registry.ts'
import { defaultLegalSettings } from '../../src/domain/settings/legal-settings.ts'

// docs/policies.md must document every policy, every interpretation setting with
// its default, and every legal setting, so the page cannot drift from the code.

const doc = readFileSync(new URL('../../docs/policies.md', import.meta.url), 'utf8')

function sectionOf(id: string): string {
  const start = doc.indexOf(`## \`${id}\``)
  assert.ok(start >= 0, `docs/policies.md has no section for ${id}`)
  return doc.slice(start)
}

test('every policy has a section naming its source and commencement', () => {
  for (const policy of policies) {
    const section = sectionOf(policy.id)
    assert.ok(section.includes(policy.commencement), `${policy.id}: commencement ${policy.commencement} not documented`)
  }
})

test('every interpretation setting is documented with its default', () => {
  for (const policy of policies) {
    for (const [key, value] of Object.entries(policy.defaults)) {
      const row = new RegExp(`\\| \`${key}\` \\| \`${JSON.stringify(value).replaceAll('"', '')}\` \\|`)
      assert.match(doc, row, `${policy.id}.${key} (default ${JSON.stringify(value)}) is not in docs/policies.md`)
      const docs = (policy.settingDocs as Record<string, { description: string; basis: string }>)[key]
      assert.ok(docs?.description && docs.basis, `${policy.id}.${key} has no description and basis in code`)
    }
  }
})

test('every legal setting ([U] item) is documented', () => {
  for (const key of Object.keys(defaultLegalSettings)) {
    assert.ok(doc.includes(`\`${key}\``), `legal setting ${key} is not in docs/policies.md`)
  }
})
