import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { addYears, type Day, day, formatDay } from '../dates/day.ts'
import { erasureRefusal, type RecordState, restrictionRefusal } from './grounds.ts'
import { latestNextReview, nextReviewProblem, type ReviewState, reviewDue } from './review.ts'
import { defaultRetentionSettings as settings } from './settings.ts'
import { clarificationDays, extensionProblem, subjectAccessDeadline } from './subject-access.ts'

const iso = (d: Day) => formatDay(d)

test('a record made today is first reviewed 10 years on (s.39(2), APP Group 1)', () => {
  const due = reviewDue({ recordedOn: day('2026-11-24') }, settings)
  assert.equal(iso(due.on), '2036-11-24')
  assert.equal(due.trigger, 'periodic')
  assert.match(due.source, /s\.39/)
})

test('the review falls due when the subject is deemed 100, unless a review on or after that day kept the record', () => {
  const state: ReviewState = { recordedOn: day('2020-01-01'), dateOfBirth: day('1926-03-01') }
  assert.deepEqual(
    [iso(reviewDue(state, settings).on), reviewDue(state, settings).trigger],
    ['2026-03-01', 'age-limit'],
  )
  const reviewed = { ...state, lastReviewedOn: day('2026-03-10'), scheduledOn: day('2031-03-10') }
  assert.deepEqual(
    [iso(reviewDue(reviewed, settings).on), reviewDue(reviewed, settings).trigger],
    ['2031-03-10', 'scheduled'],
  )
  // 29 February births reach 100 on 1 March in a common year.
  assert.equal(
    iso(reviewDue({ recordedOn: day('2020-01-01'), dateOfBirth: day('1928-02-29') }, settings).on),
    '2028-02-29',
  )
  assert.equal(
    iso(reviewDue({ recordedOn: day('2020-01-01'), dateOfBirth: day('1932-02-29') }, settings).on),
    '2030-01-01',
  )
})

test('archiving brings the review forward to the stored archive review date (legal-rules §2.3)', () => {
  const due = reviewDue({ recordedOn: day('2020-01-01'), archiveReviewOn: day('2028-06-01') }, settings)
  assert.deepEqual([iso(due.on), due.trigger], ['2028-06-01', 'archived'])
  const after = reviewDue(
    { recordedOn: day('2020-01-01'), archiveReviewOn: day('2028-06-01'), lastReviewedOn: day('2028-06-02') },
    settings,
  )
  assert.deepEqual([iso(after.on), after.trigger], ['2038-06-02', 'periodic'])
})

test('a restriction is reviewed within 12 months of being made or last reviewed', () => {
  const due = reviewDue({ recordedOn: day('2020-01-01'), restrictedOn: day('2026-01-31') }, settings)
  assert.deepEqual([iso(due.on), due.trigger], ['2027-01-31', 'restriction'])
  const again = reviewDue(
    { recordedOn: day('2020-01-01'), restrictedOn: day('2026-01-31'), lastReviewedOn: day('2027-01-15') },
    settings,
  )
  assert.equal(iso(again.on), '2028-01-15')
})

test('a "retain" decision sets the next review at most 10 years on, and not past the age limit while it is ahead', () => {
  assert.equal(iso(latestNextReview(day('2026-11-24'), undefined, settings)), '2036-11-24')
  assert.equal(iso(latestNextReview(day('2026-11-24'), day('1930-05-01'), settings)), '2030-05-01')
  assert.equal(iso(latestNextReview(day('2026-11-24'), day('1920-05-01'), settings)), '2036-11-24')
  assert.match(nextReviewProblem(day('2026-11-24'), day('2026-11-24'), undefined, settings) ?? '', /after the day/)
  assert.match(nextReviewProblem(day('2036-11-25'), day('2026-11-24'), undefined, settings) ?? '', /no later/)
  assert.equal(nextReviewProblem(day('2030-01-01'), day('2026-11-24'), undefined, settings), undefined)
})

const someDay = (from: string, to: string) => fc.integer({ min: day(from), max: day(to) }).map((n) => n as Day)
const maybeDay = (from: string, to: string) => fc.option(someDay(from, to), { nil: undefined })
const stateArb: fc.Arbitrary<ReviewState> = fc.record({
  recordedOn: someDay('2000-01-01', '2030-12-31'),
  scheduledOn: maybeDay('2000-01-01', '2050-12-31'),
  lastReviewedOn: maybeDay('2000-01-01', '2040-12-31'),
  dateOfBirth: maybeDay('1900-01-01', '2010-12-31'),
  archiveReviewOn: maybeDay('2000-01-01', '2050-12-31'),
  restrictedOn: maybeDay('2000-01-01', '2040-12-31'),
})

test('property: a review is never further off than the periodic interval, and never on or before the last review', () => {
  fc.assert(
    fc.property(stateArb, (state) => {
      const due = reviewDue(state, settings)
      const anchor =
        state.lastReviewedOn === undefined ? state.recordedOn : Math.max(state.recordedOn, state.lastReviewedOn)
      assert.ok(due.on <= addYears(anchor as Day, settings.reviewEveryYears))
      if (state.lastReviewedOn !== undefined) assert.ok(due.on > state.lastReviewedOn)
    }),
  )
})

test('property: restricting a record never makes its review later, and a review after every trigger leaves only the periodic one', () => {
  fc.assert(
    fc.property(stateArb, someDay('2000-01-01', '2040-12-31'), (state, restrictedOn) => {
      const { restrictedOn: _, ...unrestricted } = state
      assert.ok(reviewDue({ ...unrestricted, restrictedOn }, settings).on <= reviewDue(unrestricted, settings).on)
      const { restrictedOn: _r, ...plain } = state
      const late = day('2200-01-01')
      assert.equal(reviewDue({ ...plain, lastReviewedOn: late }, settings).trigger, 'periodic')
    }),
  )
})

test('property: the latest next review is after the decision and accepted; a day later is refused', () => {
  fc.assert(
    fc.property(someDay('2000-01-01', '2060-12-31'), maybeDay('1900-01-01', '2010-12-31'), (decidedOn, dob) => {
      const latest = latestNextReview(decidedOn, dob, settings)
      assert.ok(latest > decidedOn)
      assert.equal(nextReviewProblem(latest, decidedOn, dob, settings), undefined)
      assert.notEqual(nextReviewProblem((latest + 1) as Day, decidedOn, dob, settings), undefined)
    }),
  )
})

const clean: RecordState = {
  erased: false,
  restricted: false,
  activeRegistration: false,
  openSuspectedBreaches: 0,
  neededAsEvidence: false,
  accuracyContested: false,
}

test('erasure: refused while a registration is active; restrict instead when needed as evidence or accuracy is contested (s.47(2)-(3))', () => {
  assert.equal(erasureRefusal(clean), undefined)
  assert.equal(erasureRefusal({ ...clean, activeRegistration: true })?.restrictInstead, undefined)
  assert.match(erasureRefusal({ ...clean, activeRegistration: true })?.reason ?? '', /registration is active/)
  assert.equal(erasureRefusal({ ...clean, neededAsEvidence: true })?.restrictInstead, 'evidence')
  assert.equal(erasureRefusal({ ...clean, openSuspectedBreaches: 2 })?.restrictInstead, 'evidence')
  assert.match(erasureRefusal({ ...clean, openSuspectedBreaches: 2 })?.reason ?? '', /2 suspected breach/)
  assert.equal(erasureRefusal({ ...clean, accuracyContested: true })?.restrictInstead, 'accuracy-contested')
  assert.equal(erasureRefusal({ ...clean, accuracyContested: true })?.provision, 'DPA 2018 s.47(3)')
  assert.match(erasureRefusal({ ...clean, erased: true })?.reason ?? '', /already/)
  // A restricted record can still be erased once nothing holds it.
  assert.equal(erasureRefusal({ ...clean, restricted: true }), undefined)
})

test('restriction: not of an erased, already restricted or actively registered record', () => {
  assert.equal(restrictionRefusal(clean), undefined)
  assert.match(restrictionRefusal({ ...clean, restricted: true })?.reason ?? '', /already restricted/)
  assert.match(restrictionRefusal({ ...clean, erased: true })?.reason ?? '', /erased/)
  assert.match(restrictionRefusal({ ...clean, activeRegistration: true })?.reason ?? '', /registration is active/)
})

test('subject access: one month beginning with the relevant time (s.54(2)-(3))', () => {
  const plain = subjectAccessDeadline({ receivedOn: day('2026-03-03'), pausedDays: 0 }, day('2026-03-03'), settings)
  assert.equal(iso(plain.dueOn), '2026-04-02')
  assert.equal(iso(plain.firstMonthEndsOn), '2026-04-02')
  // The relevant time is the later of the request and the identity information (s.54(3)(b)).
  const identity = subjectAccessDeadline(
    { receivedOn: day('2026-03-03'), identityConfirmedOn: day('2026-03-10'), pausedDays: 0 },
    day('2026-03-10'),
    settings,
  )
  assert.equal(iso(identity.dueOn), '2026-04-09')
  // 31 January: the month ends on the last day of February.
  const january = subjectAccessDeadline({ receivedOn: day('2026-01-31'), pausedDays: 0 }, day('2026-01-31'), settings)
  assert.equal(iso(january.dueOn), '2026-02-28')
})

test('subject access: two further months by notice within the first month, with reasons (s.54(3A)-(3B))', () => {
  const clock = { receivedOn: day('2026-03-03'), pausedDays: 0 }
  assert.equal(extensionProblem(clock, day('2026-04-02'), settings), undefined)
  assert.match(
    extensionProblem(clock, day('2026-04-03'), settings) ?? '',
    /before the end of the first month.*2026-04-02/,
  )
  assert.match(extensionProblem(clock, day('2026-03-02'), settings) ?? '', /before the request/)
  const extended = subjectAccessDeadline(
    { ...clock, extensionNoticeOn: day('2026-03-20') },
    day('2026-03-20'),
    settings,
  )
  assert.equal(iso(extended.dueOn), '2026-06-02')
  assert.equal(extended.extended, true)
  assert.match(
    extensionProblem({ ...clock, extensionNoticeOn: day('2026-03-20') }, day('2026-03-21'), settings) ?? '',
    /already/,
  )
})

test('subject access: the clock stops from asking for clarification to receiving it, both days included (s.54(3C))', () => {
  assert.equal(clarificationDays(day('2026-03-10'), day('2026-03-14')), 5)
  const closed = subjectAccessDeadline({ receivedOn: day('2026-03-03'), pausedDays: 5 }, day('2026-03-20'), settings)
  assert.equal(iso(closed.dueOn), '2026-04-07')
  assert.equal(iso(closed.firstMonthEndsOn), '2026-04-07')
  const open = { receivedOn: day('2026-03-03'), pausedDays: 0, awaitingClarificationSince: day('2026-03-10') }
  const stopped = subjectAccessDeadline(open, day('2026-03-12'), settings)
  assert.equal(stopped.stopped, true)
  assert.equal(iso(stopped.dueOn), '2026-04-05')
  // Stopped days also move the last day for a notice of extension.
  assert.equal(extensionProblem({ ...open, pausedDays: 0 }, day('2026-04-04'), settings), undefined)
})

test('property: the deadline never comes before the end of the first month, and extension and stopped days only move it later', () => {
  fc.assert(
    fc.property(
      someDay('2020-01-01', '2030-12-31'),
      fc.integer({ min: 0, max: 60 }),
      fc.boolean(),
      (receivedOn, paused, extended) => {
        const base = subjectAccessDeadline({ receivedOn, pausedDays: 0 }, receivedOn, settings)
        const moved = subjectAccessDeadline(
          { receivedOn, pausedDays: paused, ...(extended ? { extensionNoticeOn: receivedOn } : {}) },
          receivedOn,
          settings,
        )
        assert.ok(moved.dueOn >= moved.firstMonthEndsOn)
        assert.ok(moved.dueOn >= base.dueOn + paused)
        assert.ok(base.dueOn > receivedOn && base.dueOn <= receivedOn + 31)
      },
    ),
  )
})
