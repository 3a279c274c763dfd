// Sending again what the server refused for a while. Past its in-flight limit a GovHub process
// answers SERVER_BUSY (503) and a rate limit answers 429, both with Retry-After; such a request
// was neither run nor audited, so the same request (with the same Idempotency-Key) may be sent
// again once the advised wait is over. Both clients (resident, console) send through this.
// Plain TypeScript with no imports: each client's build takes it as one of its own modules.

/** How patient a client is: sends in all, and the longest advised wait it sits out (a refusal
 * advising longer is shown at once, its message saying how long). */
export const PATIENCE = { attempts: 3, maxWaitSeconds: 30 }

/** A refusal worth sending again carries the advised wait in seconds. */
export interface Refusal {
  retryAfter?: number | null
}

/** The seconds to wait before sending again an answer `status` / `code`, or null when it must
 * not be sent again: SERVER_BUSY (503) and 429 that say when, by the Retry-After header (seconds
 * or an HTTP date) or, where a platform hides headers (uploads), `retry_after` in the data. */
export function advisedWait(
  status: number,
  code: string | undefined,
  retryAfter: string | null | undefined,
  data: unknown = null,
): number | null {
  if (status !== 429 && !(status === 503 && code === 'SERVER_BUSY')) return null
  let seconds: number = Number.NaN
  if (retryAfter != null && retryAfter.trim() !== '') {
    seconds = /^\s*\d+\s*$/.test(retryAfter) ? Number(retryAfter) : (Date.parse(retryAfter) - Date.now()) / 1000
  } else if (data && typeof data === 'object' && 'retry_after' in data) {
    seconds = Number((data as { retry_after: unknown }).retry_after)
  }
  return Number.isFinite(seconds) ? Math.max(0, seconds) : null
}

/** The wait actually kept: the advised one (at least a second) plus a random share of a quarter
 * of it (at least half a second), so the clients a rush refused do not all come back at once. */
export function jittered(seconds: number, random: number = Math.random()): number {
  const base = Math.max(1, seconds)
  return Math.round((base + random * Math.max(0.5, base / 4)) * 1000)
}

type Listener = (until: number | null) => void

const waits = new Set<number>()
const listeners = new Set<Listener>()

/** When the latest wait under way ends (epoch milliseconds), null when nothing is waiting. */
export function waitingUntil(): number | null {
  return waits.size ? Math.max(...waits) : null
}

/** Calls `listener` whenever a wait starts or ends; answers the function that stops it. */
export function onWaiting(listener: Listener): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

function announce(): void {
  const until = waitingUntil()
  for (const listener of listeners) listener(until)
}

/** Whole seconds left until `until`, at least 1 while waiting (what the notice counts down). */
export function secondsLeft(until: number, now: number = Date.now()): number {
  return Math.max(1, Math.ceil((until - now) / 1000))
}

async function sitOut(ms: number): Promise<void> {
  // equal ends are one wait in the set: keep each wait's own entry
  let until = Date.now() + ms
  while (waits.has(until)) until += 1
  waits.add(until)
  announce()
  try {
    await new Promise((resolve) => setTimeout(resolve, ms))
  } finally {
    waits.delete(until)
    announce()
  }
}

/** `send()`, sent again while it fails with a refusal advising a wait (`retryAfter`) no longer
 * than PATIENCE allows, at most PATIENCE.attempts sends in all; any other failure, or the last
 * refusal, is thrown as it is. `send` must send the same request each time (the same
 * Idempotency-Key). */
export async function patiently<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send()
    } catch (error) {
      const advised = (error as Refusal | null)?.retryAfter
      if (advised == null || advised > PATIENCE.maxWaitSeconds || attempt >= PATIENCE.attempts) throw error
      await sitOut(jittered(advised))
    }
  }
}
