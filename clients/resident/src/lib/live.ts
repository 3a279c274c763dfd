// My number, live: server-sent events where the runtime has EventSource (the H5), polling of
// the same action where it has not (the mini-program runtimes). The stream ends when the number
// is finished; a dropped stream falls back to polling until a new one opens.
import { apiBase, call } from './api'

export interface Ticket {
  id: number
  label: string
  queue_id: number
  hall_id: number
  status: string
  lane: number
  ahead: number
  estimated_wait_seconds: number
  window_id: number | null
  window_name: string | null
  taken_at: string
  called_at: string | null
}

export const POLL_MS = 3000
const OPEN = ['waiting', 'called']

export function isOpen(ticket: Ticket): boolean {
  return OPEN.includes(ticket.status)
}

/** Calls `onTicket` with every new state of the number until `stop()` is called. */
export function followTicket(id: number, onTicket: (ticket: Ticket) => void): () => void {
  let stopped = false
  let source: EventSource | null = null
  let timer: ReturnType<typeof setTimeout> | null = null

  const poll = async () => {
    if (stopped) return
    try {
      const ticket = await call<Ticket>('queue', 'my-number', { ticket_id: id })
      onTicket(ticket)
      if (!isOpen(ticket)) return
    } catch {
      // the next round tries again
    }
    timer = setTimeout(() => void poll(), POLL_MS)
  }

  const stream = async () => {
    try {
      const grant = await call<{ url: string }>('queue', 'stream-ticket', { ticket_id: id })
      if (stopped) return
      source = new EventSource(`${apiBase()}${grant.url}`)
      source.addEventListener('ticket', (event) => {
        const ticket = JSON.parse((event as MessageEvent).data) as Ticket
        onTicket(ticket)
        if (!isOpen(ticket)) source?.close()
      })
      source.onerror = () => {
        source?.close() // the stream ticket was single-use: poll instead of reconnecting
        void poll()
      }
    } catch {
      void poll()
    }
  }

  if (typeof EventSource === 'function') void stream()
  else void poll()
  return () => {
    stopped = true
    source?.close()
    if (timer) clearTimeout(timer)
  }
}
