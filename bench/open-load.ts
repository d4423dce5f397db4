import { parentPort, workerData } from 'node:worker_threads'

// The load generator of bench/register.ts, run in a worker thread so its own
// work does not share an event loop with the server it measures.
//
// Open model: request i is due at start + i / rate and is started then,
// whether or not the requests before it have answered. Its latency is counted
// from the moment it was due (not from when the timer happened to fire), so a
// stalled generator or a queue in the server shows up in the figures instead
// of being hidden (no coordinated omission). Node's own fetch (undici) keeps
// connections alive and opens more when requests overlap.

export interface LoadPlan {
  /** e.g. http://127.0.0.1:PORT/api/v1/people/ */
  base: string
  headers: Record<string, string>
  ids: string[]
  /** Requests per second. */
  rate: number
  warmupSeconds: number
  seconds: number
  seed: number
}

export interface LoadResult {
  /** Milliseconds from due to the last byte of the body, per measured request, in the order they were due. */
  latencies: number[]
  /** Status codes of the measured requests (0: the request failed without an answer). */
  statuses: Record<string, number>
  errors: number
  /** The first few error descriptions, for the report. */
  errorSamples: string[]
  /** Largest delay between a request being due and being started. */
  maxStartLagMs: number
  /** Measured requests started and the span they were started over. */
  requests: number
  spanMs: number
  /** Most requests in flight at once. */
  maxInFlight: number
  bytes: number
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function phase(plan: LoadPlan, seconds: number, measured: boolean, next: () => number): Promise<LoadResult> {
  const total = Math.round(plan.rate * seconds)
  const interval = 1000 / plan.rate
  const latencies = new Array<number>(total).fill(Number.NaN)
  const result: LoadResult = {
    latencies,
    statuses: {},
    errors: 0,
    errorSamples: [],
    maxStartLagMs: 0,
    requests: total,
    spanMs: 0,
    maxInFlight: 0,
    bytes: 0,
  }
  let inFlight = 0
  const pending: Promise<void>[] = []
  const fire = (i: number, due: number) => {
    const id = plan.ids[Math.floor(next() * plan.ids.length)] as string
    inFlight++
    result.maxInFlight = Math.max(result.maxInFlight, inFlight)
    const request = fetch(`${plan.base}${id}`, { headers: plan.headers })
      .then(async (response) => {
        const body = await response.arrayBuffer()
        latencies[i] = performance.now() - due
        result.bytes += body.byteLength
        result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1
        if (response.status !== 200) {
          result.errors++
          if (result.errorSamples.length < 5) {
            result.errorSamples.push(`${response.status} ${Buffer.from(body).toString('utf8').slice(0, 200)}`)
          }
        }
      })
      .catch((error: unknown) => {
        latencies[i] = performance.now() - due
        result.statuses['0'] = (result.statuses['0'] ?? 0) + 1
        result.errors++
        if (result.errorSamples.length < 5) result.errorSamples.push(String((error as Error).cause ?? error))
      })
      .finally(() => {
        inFlight--
      })
    pending.push(request)
  }
  const start = performance.now() + 20
  await new Promise<void>((done) => {
    let i = 0
    const tick = () => {
      const now = performance.now()
      while (i < total && start + i * interval <= now) {
        const due = start + i * interval
        result.maxStartLagMs = Math.max(result.maxStartLagMs, now - due)
        fire(i, due)
        i++
      }
      if (i < total) setTimeout(tick, Math.max(0, start + i * interval - performance.now()))
      else done()
    }
    setTimeout(tick, Math.max(0, start - performance.now()))
  })
  result.spanMs = performance.now() - start
  await Promise.all(pending)
  if (!measured) result.latencies = []
  return result
}

if (parentPort !== null) {
  const plan = workerData as LoadPlan
  const next = mulberry32(plan.seed)
  if (plan.warmupSeconds > 0) await phase(plan, plan.warmupSeconds, false, next)
  // The server's side starts counting (event-loop delay, GC pauses) from here.
  parentPort.postMessage('measuring')
  const result = await phase(plan, plan.seconds, true, next)
  parentPort.postMessage(result)
}
