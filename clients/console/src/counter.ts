// 收费窗口: a department's fee demand at the counter (demands.counter-view), its QR code to scan
// and its status, asked again every POLL_MS until it can no longer change at the counter.
import { GovError } from './api'

export interface CounterItem {
  name: string
  quantity: number
  unit_fen: number
  amount_fen: number
}

export interface CounterDemand {
  demand_no: string
  department: string
  department_name: string
  mode: 'test' | 'live'
  title: string
  amount_fen: number
  items: CounterItem[]
  payer_phone_masked: string | null
  payer_id_masked: string | null
  state: string
  expires_at: string
  paid_at: string | null
  refunded_fen: number
  out_trade_no: string | null
}

export interface CounterView {
  demand: CounterDemand
  pay_url: string
  qr_svg: string
  receipt_url: string | null
}

export const POLL_MS = 2000

export const DEMAND_STATES: Record<string, string> = {
  open: '待支付',
  paying: '支付中',
  paid: '已支付',
  refunded: '已退款',
  cancelled: '已撤销',
  expired: '已过期',
}

const SETTLED = new Set(['paid', 'refunded', 'cancelled', 'expired'])
const NUMBER = /^[0-9A-Z]{6,24}$/
const PAY_LINK = /\/pay\/([0-9A-Za-z]+)/

/** The demand number a clerk typed, or a scanner read from the counter's QR code or a payment
 * link (both carry `/pay/{demand_no}`); null when it cannot be one. */
export function demandNumber(text: string): string | null {
  const link = PAY_LINK.exec(text)
  const number = (link ? link[1] : text).replace(/[\s-]/g, '').toUpperCase()
  return NUMBER.test(number) ? number : null
}

/** Paid, refunded, cancelled or expired: nothing the resident does at the counter changes it. */
export function settled(state: string): boolean {
  return SETTLED.has(state)
}

export function payerText(demand: CounterDemand): string {
  return demand.payer_phone_masked ?? demand.payer_id_masked ?? '—'
}

/** The QR code the action answers, as an image source: shown large, never inserted as markup. */
export function svgImage(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
}

/** A GovHub link as a path on the server the console came from: the public base URL in the link
 * may name another host (a proxy in front, the development server), and the receipt is printed
 * from a frame of this page, which only a same-origin document allows. */
export function localPath(url: string): string {
  const parsed = new URL(url, 'http://console.invalid')
  return parsed.pathname + parsed.search
}

/** Local YYYY-MM-DD HH:MM of an ISO time. */
export function localTime(iso: string | null): string {
  if (!iso) return ''
  const at = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}`
  )
}

const PASSING = new Set(['RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR'])

/** Worth asking again: the network or a busy server, not an unknown number or a refusal. */
export function passing(error: unknown): boolean {
  return !(error instanceof GovError) || PASSING.has(error.code)
}

/**
 * Asks `load` now and every `everyMs` after each answer until `done` says the answer is final or
 * `stop()` is called. A failed ask is reported and asked again while `onError` answers true (a
 * dropped connection heals; an unknown number does not). One poller per demand shown.
 */
export function poll<T>(
  load: () => Promise<T>,
  done: (answer: T) => boolean,
  onAnswer: (answer: T) => void,
  onError: (error: unknown) => boolean,
  everyMs: number = POLL_MS,
): { stop: () => void } {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const ask = async (): Promise<void> => {
    try {
      const answer = await load()
      if (stopped) return
      onAnswer(answer)
      if (done(answer)) return
    } catch (error) {
      if (stopped || !onError(error)) return
    }
    timer = setTimeout(() => void ask(), everyMs)
  }
  void ask()
  return {
    stop: () => {
      stopped = true
      clearTimeout(timer)
    },
  }
}
