import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { crc32, deflateSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import type { Actor } from '../../src/app/actor.ts'
import { systemActor } from '../../src/app/actor.ts'
import { scan } from '../../src/app/compliance.ts'
import type { Call } from '../../src/app/context.ts'
import { addFact, createPerson, supersedeFact } from '../../src/app/people.ts'
import { addPhotograph } from '../../src/app/photographs.ts'
import { determine, recordNotification, refer, register } from '../../src/app/registration.ts'
import { shareRecord } from '../../src/app/sharing.ts'
import { createVictim, linkVictim } from '../../src/app/victims.ts'
import { type Browsing, expectAccessible, mainText, screenshot, startBrowsing } from './support.ts'

// Issue 6, item 4: a person's record, in a real browser. The demo population
// has no registrant in the officers' force, so the set-up records one through
// the services, as an officer would: convictions, a victim, addresses (one
// ended), a corrected phone number, a photograph, a referral, a determination
// and a registration, an initial notification on time and a change notified
// late (a suspected breach after the scan), and a risk management plan that
// shares addresses and risk with a housing partner.

const reason = 'Managing this case'
const because = `because=${encodeURIComponent(reason)}`

interface Registrant {
  id: string
  reference: string
  name: string
  victimId: string
}

/** A tiny grey PNG, so the photograph is a real image (the service checks the bytes). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0xb1)])
  const pixels = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

async function recordRegistrant(web: Browsing): Promise<Registrant> {
  const as = (actor: Actor): Call => ({ app: web.app, actor, justification: 'Recording the test case' })
  const { registrar, officer, vlo } = web.users
  const person = await createPerson(as(registrar.actor), {
    familyName: 'Quillfeather',
    givenNames: 'Rowan',
    dateOfBirth: '1988-06-15',
    niNumber: 'ZX 12 34 56 A',
    sex: 'male',
    responsibleOfficerId: officer.actor.userId,
    riskLevel: 'high',
  })
  const id = person.id
  const victim = await createVictim(as(vlo.actor), {
    familyName: 'Brightwater',
    givenNames: 'Morgan',
    dateOfBirth: '1990-02-03',
    address: { line1: '12 Quiet Lane', town: 'Sampleford', postcode: 'ZZ3 3ZZ' },
    phone: '07700 900321',
    victimContactScheme: 'opted-in',
    safeContact: 'Text first; do not call after 6pm.',
  })
  await linkVictim(as(registrar.actor), id, { victimId: victim.id, relationship: 'ex-partner' })
  const fact = (body: Record<string, unknown>) => addFact(as(registrar.actor), id, undefined, body)
  await fact({
    kind: 'conviction',
    date: '2024-03-01',
    offenceDate: '2023-12-10',
    offence: 'PHA1997-s4A',
    domesticAbuse: true,
    victims: [{ id: victim.id, relationship: 'ex-partner', ageAtOffence: 33 }],
    disposal: { type: 'custody', months: 18 },
    releasedOn: '2024-12-01',
  })
  await fact({
    kind: 'conviction',
    date: '2022-11-14',
    offence: 'SCA2015-s75A',
    domesticAbuse: true,
    victims: [{ id: victim.id, relationship: 'partner', ageAtOffence: 32 }],
    disposal: { type: 'custody', months: 8, suspended: true },
  })
  await fact({ kind: 'risk-assessment', date: '2024-11-20', tool: 'OASys', rosh: 'high' })
  await fact({
    kind: 'address',
    addressType: 'home',
    line1: '3 Old Mill Court',
    town: 'Sampleford',
    postcode: 'ZZ1 1ZZ',
    validFrom: '2024-12-01',
    validTo: '2026-09-30',
  })
  const phone = await fact({ kind: 'phone', number: '07700 900456', validFrom: '2024-12-01' })
  await supersedeFact(as(registrar.actor), id, phone.id, undefined, {
    replacement: { number: '07700 900789', validFrom: '2024-12-01' },
    reason: 'Number was recorded wrongly',
  })
  await fact({ kind: 'name', nameType: 'alias', familyName: 'Quill', givenNames: 'Ro' })
  await fact({
    kind: 'bank-account',
    institution: 'Example Bank (synthetic)',
    accountName: 'R Quillfeather',
    accountNumberLast4: '4321',
  })
  await fact({
    kind: 'relationship',
    relationshipType: 'former-partner',
    otherPartyName: 'Morgan Brightwater',
    otherPartyVictimId: victim.id,
    validFrom: '2019-05-01',
    validTo: '2023-11-30',
  })
  await fact({
    kind: 'civil-order',
    orderType: 'restraining-order',
    court: "Sampleford Magistrates' Court",
    madeOn: '2024-03-01',
    untilFurtherOrder: true,
    conditions: ['Not to contact Morgan Brightwater directly or indirectly'],
    protectedVictimIds: [victim.id],
  })
  await addPhotograph(as(registrar.actor), id, {
    contentType: 'image/png',
    data: png(120, 150).toString('base64'),
    takenOn: '2026-09-01',
    caption: 'Taken at registration (synthetic)',
  })

  await refer(as(officer.actor), id, {
    reason: 'Serial stalking of former partners, two custodial sentences',
    referredOn: '2026-08-20',
  })
  const determination = await determine(as(officer.actor), id, { asOf: '2026-08-25' })
  const eligible = determination.explanation.policies.find(
    (p) => (p.policy === 'lords-2024' || p.policy === 'broad-convicted') && p.outcome === 'eligible',
  )
  assert.ok(eligible, 'the test registrant is eligible under a policy with notification requirements')
  const registration = await register(as(registrar.actor), id, {
    determinationId: determination.id,
    policyId: eligible.policy,
    abuseType: 'stalking',
    registeredOn: '2026-09-01',
  })
  await recordNotification(as(officer.actor), registration.id, {
    kind: 'initial',
    receivedOn: '2026-09-02',
    items: ['names', 'home-address'],
    station: 'Sampleford police station',
  })
  // Moved on 1 October, told the police on the 10th: a change notified late (SOA 2003 s.84(1)).
  await recordNotification(as(officer.actor), registration.id, {
    kind: 'change',
    receivedOn: '2026-10-10',
    eventDate: '2026-10-01',
    items: ['home-address'],
    station: 'Sampleford police station',
    facts: [
      {
        kind: 'address',
        addressType: 'home',
        line1: '7 Harbour View',
        town: 'Exampleton',
        postcode: 'ZZ9 9ZZ',
        validFrom: '2026-10-01',
      },
    ],
  })
  await fact({
    kind: 'risk-management-plan',
    summary: 'Monitor contact with former partners; housing support to keep a stable address.',
    actions: [{ action: 'Monthly home visit', owner: 'Offender manager' }],
    sharedWithPartners: ['addresses', 'risk'],
    reviewOn: '2027-03-01',
    validFrom: '2026-09-05',
  })
  await shareRecord(as(registrar.actor), id, {
    organisationId: 'partner:demo-housing',
    scope: 'plan',
    reason: 'Housing support under the risk management plan',
  })
  await shareRecord(as(registrar.actor), id, {
    organisationId: web.users.probation.actor.organisationId,
    scope: 'full',
    reason: 'Co-managed with probation on licence',
  })
  await scan({ app: web.app, actor: systemActor })
  return { id, reference: person.reference, name: 'Rowan Quillfeather', victimId: victim.id }
}

/** The pages mark what tests look for with data-test. */
const testId = (name: string) => `[data-test="${name}"]`

const subNavigation = (page: Page) => page.getByRole('navigation', { name: 'Parts of this record' })

async function subNavigationItems(page: Page): Promise<string[]> {
  return (await subNavigation(page).getByRole('link').allInnerTexts()).map((text) => text.trim())
}

describe('pages: a person’s record', () => {
  let web: Browsing
  let registrant: Registrant
  // One signed-in officer for the file: a second sign-in within the same 30 seconds would replay the TOTP code.
  let officer: Page
  before(async () => {
    web = await startBrowsing()
    registrant = await recordRegistrant(web)
    officer = await web.open('officer')
  })
  after(async () => {
    await web?.close()
  })

  const consultations = (userId: string, justification: string) =>
    web.db.query<{ object_type: string; part: string | null }>(
      `SELECT object_type, detail->>'part' AS part FROM audit_event
        WHERE operation = 'consultation' AND actor_id = $1 AND person_id = $2 AND justification = $3 ORDER BY id`,
      [userId, registrant.id, justification],
    )
  const denials = (userId: string) =>
    web.db.query<{ object_type: string }>(
      `SELECT object_type FROM audit_event WHERE operation = 'denied' AND actor_id = $1 AND person_id = $2`,
      [userId, registrant.id],
    )

  test('the officer says why, then reads every part of a registrant’s record', async () => {
    const page = officer
    await page.goto(`/people/${registrant.id}/obligations`)
    assert.equal(new URL(page.url()).pathname, `/people/${registrant.id}/why`)
    assert.equal(new URL(page.url()).searchParams.get('next'), 'obligations')
    assert.match(await page.locator('h1').innerText(), /Why are you viewing this record\?/)
    assert.doesNotMatch(await mainText(page), /Quillfeather/, 'nothing of the record before a reason is given')
    await expectAccessible(page, 'why page')

    await page.getByRole('button', { name: 'Continue' }).click()
    assert.match(await page.title(), /^Error: /)
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Select why you are viewing this record/)
    await expectAccessible(page, 'why page, nothing chosen')

    await page.getByLabel('Other', { exact: true }).check()
    await page.getByRole('button', { name: 'Continue' }).click()
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter why you are viewing this record/)
    await expectAccessible(page, 'why page, other without a reason')

    await page.getByLabel(reason, { exact: true }).check()
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(`**/people/${registrant.id}/obligations?${because}`)

    // The header, on every part.
    const header = (await page.locator(testId('person-header')).innerText()).replace(/\s+/g, ' ')
    assert.match(header, /Rowan Quillfeather/)
    assert.match(header, new RegExp(`Reference ${registrant.reference}`))
    assert.match(header, /15 June 1988 \(age 38\)/)
    assert.match(header, /Registered/)
    assert.match(header, /MAPPA (Category \d|No MAPPA category)/)
    assert.match(header, /Risk level High/)
    assert.match(header, new RegExp(web.users.officer.actor.displayName.replace(/[()]/g, '\\$&')))
    assert.match(header, /Managed by/)

    // Obligations: overdue (the first home visit), due, the late change as a suspected breach, and history.
    const obligations = await mainText(page)
    assert.match(
      obligations,
      /Overdue Obligation Who acts Due Status Law First home visit Managing agency 29 September 2026 Overdue/,
    )
    assert.match(
      obligations,
      /Due Obligation Who acts Due Status Law Annual notification Registrant 10 October 2027 Upcoming/,
    )
    assert.match(obligations, /Suspected breaches .* Notification of a change .* Record outcome/)
    assert.match(obligations, /Notifications received .*10 October 2026 Change of details/)
    assert.match(obligations, /Obligations met .*Initial notification/)
    const outcome = page.getByRole('link', { name: /Record outcome/ })
    assert.match((await outcome.getAttribute('href')) ?? '', new RegExp(`^/breaches/[0-9a-f-]+/outcome\\?${because}$`))
    const actions = page.locator(testId('record-actions'))
    for (const [name, path] of [
      ['Record a notification', 'notifications/new'],
      ['Record a home visit', 'visits/new'],
      ['Record a risk assessment', 'risk-assessments/new'],
      ['Record a risk management plan', 'risk-management-plans/new'],
    ]) {
      assert.equal(
        await actions.getByRole('button', { name }).getAttribute('href'),
        `/people/${registrant.id}/${path}?${because}`,
      )
    }
    assert.equal(await actions.getByText('Refer for registration').count(), 0, 'already registered')
    await expectAccessible(page, 'obligations')
    await screenshot(page, 'person-obligations')

    assert.deepEqual(await subNavigationItems(page), [
      'Summary',
      'Obligations',
      'Addresses and travel',
      'Identity and finance',
      'Relationships and households',
      'Convictions and orders',
      'Risk',
      'Victims',
      'Timeline',
      'Documents',
    ])
    const expected: [string, string, RegExp][] = [
      ['Summary', '', /Home address 7 Harbour View, Exampleton, ZZ9 9ZZ/],
      ['Addresses and travel', '/addresses', /Previous: addresses .*3 Old Mill Court.*30 September 2026/],
      [
        'Identity and finance',
        '/identity',
        /National Insurance number ZX ?12 ?34 ?56 ?A.*07700900789.*Previous: phone numbers .*07700900456.*Example Bank/,
      ],
      ['Relationships and households', '/relationships', /Previous: relationships .*Former partner Morgan Brightwater/],
      ['Convictions and orders', '/convictions', /Putting people in fear of violence|stalking/i],
      ['Risk', '/risk', /OASys.*High.*Monthly home visit \(Offender manager\)/],
      ['Victims', '/victims', /Morgan Brightwater.*12 Quiet Lane, Sampleford, ZZ3 3ZZ/],
      ['Timeline', '/timeline', /Registered.*Eligibility determined.*Referred for registration/],
      [
        'Documents',
        '/documents',
        /Notices of registration.*View notice.*Determinations of eligibility.*View determination/,
      ],
    ]
    for (const [name, path, content] of expected) {
      await subNavigation(page).getByRole('link', { name, exact: true }).click()
      await page.waitForURL(`**/people/${registrant.id}${path}?${because}`)
      assert.equal(
        await subNavigation(page).locator('[aria-current="page"]').innerText(),
        name,
        `${name} is the current part`,
      )
      assert.match(await page.locator(testId('person-header')).innerText(), /Rowan Quillfeather/)
      assert.match(await mainText(page), content, name)
      await expectAccessible(page, name)
      if (name === 'Summary') await screenshot(page, 'person-summary')
      if (name === 'Timeline') await screenshot(page, 'person-timeline')
      if (name === 'Victims') await screenshot(page, 'person-victims')
    }

    // Documents: the notice and the determination are other pages; the photograph is streamed, audited.
    const notice = page.getByRole('link', { name: /View notice/ })
    assert.match(
      (await notice.getAttribute('href')) ?? '',
      new RegExp(`^/registrations/[0-9a-f-]+/notice\\?${because}$`),
    )
    const determination = page.getByRole('link', { name: /View determination/ })
    assert.match(
      (await determination.getAttribute('href')) ?? '',
      new RegExp(`^/people/${registrant.id}/determinations/[0-9a-f-]+\\?${because}$`),
    )
    const image = page.getByRole('img', { name: /Photograph of Rowan Quillfeather, taken on 1 September 2026/ })
    assert.equal(await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), 120)
    const src = (await image.getAttribute('src')) as string
    const photo = await page.request.get(src)
    assert.equal(photo.status(), 200)
    assert.equal(photo.headers()['content-type'], 'image/png')
    // The same photograph under another record's address is not there.
    const other = (
      await web.db.query<{ id: string }>('SELECT id FROM person WHERE id <> $1 LIMIT 1', [registrant.id])
    )[0] as { id: string }
    assert.match(src, new RegExp(`^/people/${registrant.id}/photographs/`))
    const elsewhere = await page.request.get(src.replace(`/people/${registrant.id}/`, `/people/${other.id}/`))
    assert.equal(elsewhere.status(), 404)

    // Every view was a consultation with the reason given, naming the part.
    const entries = await consultations(web.users.officer.actor.userId, reason)
    const parts = new Set(entries.filter((e) => e.object_type === 'person').map((e) => e.part))
    for (const part of [
      'summary',
      'obligations',
      'addresses',
      'identity',
      'relationships',
      'convictions',
      'risk',
      'victims',
      'timeline',
      'documents',
    ]) {
      assert.ok(parts.has(part), `a consultation for ${part}`)
    }
    assert.ok(
      entries.some((e) => e.object_type === 'photograph'),
      'the photograph read is a consultation too',
    )
    assert.ok(
      (
        await web.db.query(
          `SELECT 1 FROM audit_event WHERE operation = 'consultation' AND object_type = 'victim' AND object_id = $1
            AND actor_id = $2 AND justification = $3`,
          [registrant.victimId, web.users.officer.actor.userId, reason],
        )
      ).length > 0,
      'the victim shown is a consultation of the victim’s record',
    )
  })

  test('each view writes a consultation audit entry with the justification given in the reader’s own words', async () => {
    const page = officer
    const own = 'Checking before a joint visit with housing'
    await page.goto(`/people/${registrant.id}/risk`)
    await page.getByLabel('Other', { exact: true }).check()
    await page.getByLabel('If you chose other, why are you viewing it?').fill(own)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(`**/people/${registrant.id}/risk?because=${encodeURIComponent(own)}`)
    await subNavigation(page).getByRole('link', { name: 'Timeline', exact: true }).click()
    await page.waitForURL(`**/timeline?because=${encodeURIComponent(own)}`)
    const entries = await consultations(web.users.officer.actor.userId, own)
    assert.deepEqual(
      entries.filter((e) => e.object_type === 'person').map((e) => e.part),
      ['risk', 'timeline'],
    )
  })

  test('a victim liaison officer sees victims’ details and a partner agency practitioner does not', async () => {
    const vlo = await web.open('vlo')
    await vlo.goto(
      `/people/${registrant.id}/victims?because=${encodeURIComponent('Contacting the victim about a change')}`,
    )
    const seen = await mainText(vlo)
    assert.match(seen, /Morgan Brightwater/)
    assert.match(seen, /12 Quiet Lane, Sampleford, ZZ3 3ZZ/)
    assert.match(seen, /07700900321/)
    assert.match(seen, /Text first; do not call after 6pm\./)
    const vloParts = await subNavigationItems(vlo)
    assert.ok(vloParts.includes('Victims'))
    assert.ok(!vloParts.includes('Obligations'), 'compliance is not a victim liaison officer’s section')
    assert.equal(
      await vlo.locator(testId('record-actions')).count(),
      0,
      'a victim liaison officer records nothing here',
    )
    await expectAccessible(vlo, 'victims, as the victim liaison officer')

    // A co-managing probation officer sees who the victim is, not where.
    const probation = await web.open('probation')
    await probation.goto(`/people/${registrant.id}/victims?because=${encodeURIComponent('Supervising the licence')}`)
    const withheld = await mainText(probation)
    assert.match(withheld, /Morgan Brightwater/)
    assert.match(withheld, /shown only to victim liaison officers and the police managing the case/)
    assert.doesNotMatch(withheld, /Quiet Lane|07700900321|Text first/)
    await expectAccessible(probation, 'victims, as the co-managing probation officer')

    const partner = await web.open('partner')
    const housing = encodeURIComponent('Housing support under the plan')
    await partner.goto(`/people/${registrant.id}?because=${housing}`)
    const partnerParts = await subNavigationItems(partner)
    assert.deepEqual(partnerParts, ['Summary', 'Addresses and travel', 'Identity and finance', 'Risk'])
    const summary = await mainText(partner)
    assert.match(summary, /Rowan Quillfeather/)
    assert.match(summary, /Shared with your organisation by a risk management plan/)
    assert.doesNotMatch(summary, /Brightwater|Quiet Lane/)
    await expectAccessible(partner, 'summary, as the partner')
    await partner.goto(`/people/${registrant.id}/identity?because=${housing}`)
    const identity = await mainText(partner)
    assert.doesNotMatch(identity, /Example Bank|4321/, 'never finance')
    assert.match(identity, /Financial details are shown only to the police managing the case/)

    const refused = await partner.goto(`/people/${registrant.id}/victims?because=${housing}`)
    assert.equal(refused?.status(), 404)
    assert.match(await partner.locator('h1').innerText(), /Page not found or not available to you/)
    assert.doesNotMatch(await mainText(partner), /Brightwater|Quillfeather/)
    assert.ok(
      (await denials(web.users.partner.actor.userId)).some((d) => d.object_type === 'record-victims'),
      'the refusal is audited',
    )
    const convictions = await partner.goto(`/people/${registrant.id}/convictions?because=${housing}`)
    assert.equal(convictions?.status(), 404, 'never offending')
  })

  test('a record of another force gives the generic page, and the refusal is audited', async () => {
    const page = await web.open('otherForce')
    const response = await page.goto(
      `/people/${registrant.id}?because=${encodeURIComponent('Checking a name from an intelligence report')}`,
    )
    assert.equal(response?.status(), 404)
    assert.match(await page.locator('h1').innerText(), /Page not found or not available to you/)
    assert.doesNotMatch(await mainText(page), /Quillfeather/)
    await expectAccessible(page, 'another force’s record')
    assert.ok(
      (await denials(web.users.otherForce.actor.userId)).some((d) => d.object_type === 'person'),
      'a denied entry for the person',
    )
    // The same page for a record that does not exist: existence does not leak.
    const missing = await page.goto(
      `/people/00000000-0000-4000-8000-00000000abcd?because=${encodeURIComponent('Checking')}`,
    )
    assert.equal(missing?.status(), 404)
    assert.match(await page.locator('h1').innerText(), /Page not found or not available to you/)
  })
})
