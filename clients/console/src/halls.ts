// The halls a staff member works at, and the text forms of a hall's set-up the pages edit.
import { call } from './api'

export interface HallChoice {
  id: number
  name: string
}

interface WindowChoice {
  hall_id: number
  hall_name: string
}

/** The halls of the windows this staff member may sign in at (their scopes decide). */
export async function myHalls(): Promise<HallChoice[]> {
  const windows = await call<WindowChoice[]>('queue', 'my-windows')
  return uniqueHalls(windows)
}

export function uniqueHalls(windows: WindowChoice[]): HallChoice[] {
  const seen = new Map<number, string>()
  for (const w of windows) if (!seen.has(w.hall_id)) seen.set(w.hall_id, w.hall_name)
  return [...seen].map(([id, name]) => ({ id, name }))
}

export interface SessionText {
  opens: string
  closes: string
}

export const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']

/** "08:30-12:00, 14:00-17:30" ⇄ sessions; blank is closed. null when the text is not that form. */
export function parseSessions(text: string): SessionText[] | null {
  const parts = text.split(/[,，、\s]+/).filter(Boolean)
  const sessions: SessionText[] = []
  for (const part of parts) {
    const found = /^(\d{2}:\d{2})[-–~](\d{2}:\d{2})$/.exec(part)
    if (!found) return null
    sessions.push({ opens: found[1], closes: found[2] })
  }
  return sessions
}

export function sessionsText(sessions: SessionText[]): string {
  return sessions.map((s) => `${s.opens}-${s.closes}`).join(', ')
}

/** Local HH:MM of an ISO time, as the hall's clock shows it. */
export function clock(iso: string | null): string {
  if (!iso) return ''
  return new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false })
}

/** Today's date in the browser's zone as YYYY-MM-DD (the hall's own, on a hall computer). */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

export const BOOKING_STATES: Record<string, string> = {
  booked: '待签到',
  checked_in: '已签到',
  cancelled: '已取消',
  no_show: '未到',
}
