import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createUser, ensureOrganisation } from '../../src/app/directory.ts'
import { ensureDemoSignIn } from '../../src/cli/demo-sign-in.ts'
import { run } from '../../src/cli/main.ts'
import { base32Decode, timeStep, totp } from '../../src/domain/authentication/totp.ts'
import { backends } from '../support/database.ts'
import { Browser, type Register, startRegister } from './support.ts'

// What a newcomer does after `npm start`: sign in as the demo registrar with
// the printed password and a code from `dasr totp --secret`.

for (const backend of backends) {
  describe(`the demo sign-in on ${backend}`, () => {
    let register: Register
    before(async () => {
      register = await startRegister(backend)
    })
    after(async () => {
      await register?.close()
    })

    test('the printed password and TOTP secret sign in; a restart changes the password and keeps the secret', async () => {
      await ensureOrganisation(register.store.db, { id: 'police:demo-shire', name: 'Demo Shire', kind: 'police' })
      const email = 'registrar@demo-shire.example.test'
      const actor = await createUser(register.store.db, {
        organisationId: 'police:demo-shire',
        displayName: 'Demo Registrar',
        email,
        roles: ['registrar'],
      })
      const first = await ensureDemoSignIn(register.app, actor, email)
      assert.ok(first.password.length >= 12)
      await new Browser(register.server).signIn({ actor, ...first }, register.clock)

      const second = await ensureDemoSignIn(register.app, actor, email)
      assert.equal(second.secret, first.secret, 'an authenticator app set up once keeps working')
      assert.notEqual(second.password, first.password)
      assert.equal((await new Browser(register.server).login(email, first.password)).statusCode, 401)
      await new Browser(register.server).signIn({ actor, ...second }, register.clock)
    })
  })
}

describe('dasr totp', () => {
  test('dasr totp --secret prints the current code, like an authenticator app', async () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    const before = timeStep(Date.now() / 1000)
    const result = await run(['totp', '--secret', secret])
    const after = timeStep(Date.now() / 1000)
    assert.equal(result.code, 0, result.stderr)
    const code = result.stdout.split(' ')[0]
    const expected = new Set([before, after].map((step) => totp(base32Decode(secret), step)))
    assert.ok(expected.has(code as string), `${code} in ${[...expected].join(', ')}`)
    assert.match(result.stdout, /valid for \d+ more seconds?/)
    assert.equal((await run(['totp'])).code, 2)
    assert.equal((await run(['totp', '--secret', 'not base32!'])).code, 2)
  })
})
