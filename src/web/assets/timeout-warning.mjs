// The timeout warning (WCAG 2.2.1 Timing adjustable), after the HMRC and
// GOV.UK "service timeout" pattern: shortly before a session ends for want of
// activity, a modal dialog says "You’re about to be signed out" with a
// countdown, a "Stay signed in" button (Escape does the same) and a
// "Sign out" button. Letting it run out takes the browser to the sign-in page,
// which says why.
//
// The dialog and its timings (data-idle-seconds, data-warning-seconds,
// data-slack-seconds) are in the page (views/layout.njk), from the sign-in
// settings. Before warning, and again when the countdown ends, the script asks
// the server how long the session really has left (GET /session/time-left,
// which is not activity): a session kept busy in another tab is not cut short,
// and the browser's clock never decides alone. "Stay signed in" posts to
// /session/extend with the session's CSRF token.
//
// Screen readers hear the dialog's name and description when focus moves into
// it, then the time left in a polite live region, rounded (minutes, then 60,
// 40 and 20 seconds) so it is not read out every second.

const root = document.querySelector('[data-module="app-timeout-warning"]')

class TimeoutWarning {
  /** @param {HTMLDialogElement} dialog */
  constructor(dialog) {
    const seconds = (name) => Number(dialog.dataset[name])
    this.dialog = dialog
    this.idle = seconds('idleSeconds')
    this.warning = seconds('warningSeconds')
    this.slack = seconds('slackSeconds') || 0
    this.timeLeftUrl = dialog.dataset.timeLeftUrl
    this.extendUrl = dialog.dataset.extendUrl
    this.timedOutUrl = dialog.dataset.timedOutUrl
    this.form = dialog.querySelector('form')
    this.countdown = dialog.querySelector('[data-timeout-countdown]')
    this.announcement = dialog.querySelector('[data-timeout-announcement]')
    this.stayButton = dialog.querySelector('[data-timeout-stay]')
    this.finalText = dialog.querySelector('[data-timeout-final]')
    /** When the session ends, by the browser's clock, as far as the script knows. */
    this.endsAt = Date.now() + this.idle * 1000
    /** The session cannot be extended any more (its absolute end is near). */
    this.final = false
    this.timer = undefined
    this.returnFocus = null
  }

  start() {
    this.stayButton.addEventListener('click', () => this.stay())
    this.dialog.addEventListener('cancel', (event) => {
      // Escape: stay signed in, as the pattern asks (or just close, when staying is no longer possible).
      if (this.final) return
      event.preventDefault()
      this.stay()
    })
    // The server saw this session as it served the page: it ends in `idle` seconds, or up to `slack` sooner.
    this.wait(Math.max(0, this.idle - this.warning - this.slack))
  }

  wait(seconds) {
    window.clearTimeout(this.timer)
    this.timer = window.setTimeout(() => this.check(), Math.max(1, seconds) * 1000)
  }

  /** The server's answer ({ signedIn, secondsLeft }), or undefined when it could not be had. */
  async ask(url, init = {}) {
    try {
      const response = await fetch(url, {
        credentials: 'same-origin',
        cache: 'no-store',
        ...init,
        headers: { accept: 'application/json', ...init.headers },
      })
      // A session that has ended is sent to sign in: an HTML page, not an answer.
      if (!(response.headers.get('content-type') ?? '').includes('application/json')) return { signedIn: false }
      const answer = await response.json()
      return typeof answer?.signedIn === 'boolean' ? answer : undefined
    } catch {
      return undefined
    }
  }

  async check() {
    const answer = await this.ask(this.timeLeftUrl)
    this.follow(answer)
  }

  /** Acts on what the server said: wait, warn, count down or go. */
  follow(answer) {
    if (answer !== undefined && !answer.signedIn) return this.signedOut()
    if (answer !== undefined) this.endsAt = Date.now() + answer.secondsLeft * 1000
    const left = this.secondsLeft()
    if (answer === undefined && left <= 0) return this.signedOut()
    if (left > this.warning) {
      this.close()
      return this.wait(left - this.warning)
    }
    if (!this.dialog.open) this.open()
    this.tick()
  }

  secondsLeft() {
    return Math.max(0, Math.ceil((this.endsAt - Date.now()) / 1000))
  }

  open() {
    this.returnFocus = document.activeElement
    this.showFinal(this.final)
    this.update(this.secondsLeft(), true)
    this.dialog.showModal()
    this.dialog.focus()
  }

  close() {
    if (!this.dialog.open) return
    this.dialog.close()
    if (this.returnFocus instanceof HTMLElement && this.returnFocus.isConnected) this.returnFocus.focus()
    this.returnFocus = null
  }

  tick() {
    window.clearTimeout(this.timer)
    const left = this.secondsLeft()
    this.update(left)
    // At the end, the server decides: signed out (the usual case), or more time (another tab was busy).
    if (left <= 0) return this.check()
    const toNextSecond = (this.endsAt - Date.now()) % 1000 || 1000
    this.timer = window.setTimeout(() => this.tick(), toNextSecond)
  }

  async stay() {
    window.clearTimeout(this.timer)
    this.close()
    const csrf = this.form.querySelector('input[name="_csrf"]')?.value ?? ''
    const answer = await this.ask(this.extendUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    })
    // Still within the warning after extending: the session has reached its absolute end.
    this.final = answer?.signedIn === true && answer.secondsLeft <= this.warning
    this.follow(answer)
  }

  showFinal(final) {
    this.stayButton.hidden = final
    if (this.finalText !== null) this.finalText.hidden = !final
  }

  /** The countdown in words: "2 minutes", "59 seconds". */
  static words(seconds) {
    if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }

  update(left, opening = false) {
    const shown = TimeoutWarning.words(left)
    if (this.countdown.textContent !== shown) this.countdown.textContent = shown
    // Read out in steps: whole minutes, then every 20 seconds.
    const rounded = left > 60 ? left : Math.max(20, Math.ceil(left / 20) * 20)
    const heard = `For your security, we will sign you out in ${TimeoutWarning.words(rounded)}.`
    if (opening || this.announcement.textContent !== heard) this.announcement.textContent = heard
  }

  signedOut() {
    window.clearTimeout(this.timer)
    const here = `${window.location.pathname}${window.location.search}`
    window.location.assign(`${this.timedOutUrl}&next=${encodeURIComponent(here)}`)
  }
}

if (root instanceof HTMLDialogElement && typeof root.showModal === 'function' && typeof fetch === 'function') {
  new TimeoutWarning(root).start()
}
