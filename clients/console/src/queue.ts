// The queue views the console reads (services/queue/schemas.py) and how they are shown.

export interface Ticket {
  id: number
  label: string
  queue_id: number
  status: string
  lane: number
  fast_lane_group: string | null
  window_name: string | null
}

export interface Waiting {
  id: number
  label: string
  queue_id: number
  lane: number
  fast_lane_group: string | null
  taken_at: string
}

export interface QueueInfo {
  id: number
  code: string
  name: string
  waiting: number
}

export interface WindowSession {
  window_id: number
  window_name: string
  hall_id: number
  started_at: string
}

export interface Desk {
  session: WindowSession | null
  current: Ticket | null
  waiting: Waiting[]
  queues: QueueInfo[]
}

export interface WindowChoice {
  id: number
  code: string
  name: string
  hall_id: number
  hall_name: string
}

export interface BoardCall {
  ticket_id: number
  label: string
  window_name: string
  called_at: string
  recalls: number
}

export interface Board {
  hall_id: number
  hall_name: string
  calling: BoardCall[]
  waiting: number
}

export const LANES: Record<number, string> = { 0: '预约', 1: '绿色通道', 2: '普通' }

export const FAST_LANE_GROUPS: Record<string, string> = {
  elderly: '老年人',
  disabled: '残疾人',
  pregnant: '孕妇',
  military: '军人',
}

/** The waiting numbers grouped by lane, in serving order (appointments first). */
export function byLane(waiting: Waiting[]): { lane: number; name: string; tickets: Waiting[] }[] {
  return Object.keys(LANES)
    .map(Number)
    .map((lane) => ({ lane, name: LANES[lane], tickets: waiting.filter((t) => t.lane === lane) }))
}

/** What the hall's speakers say for a call (语音叫号). */
export function announcement(call: BoardCall): string {
  const spelled = call.label.split('').join(' ')
  return `请 ${spelled} 号到 ${call.window_name} 办理`
}

/** The calls the board must read out: new numbers and numbers called again since `before`. */
export function newCalls(before: BoardCall[], after: BoardCall[]): BoardCall[] {
  const seen = new Map(before.map((c) => [c.ticket_id, c.recalls]))
  return after.filter((c) => seen.get(c.ticket_id) !== c.recalls)
}
