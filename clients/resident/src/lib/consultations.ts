// 咨询投诉 (services/consultations): what a case is called on the pages, and what the resident
// may do next. Labels are the Chinese keys of i18n.ts; the pages pass them through t().

export type CaseKind = 'consultation' | 'complaint' | 'suggestion'
export type CaseState = 'submitted' | 'answered' | 'reopened' | 'closed' | 'withdrawn'
export type Contact = 'message' | 'phone' | 'none'
export type CaseMove = 'withdraw' | 'reopen' | 'confirm'

export const KINDS: [CaseKind, string][] = [
  ['consultation', '咨询'],
  ['complaint', '投诉'],
  ['suggestion', '建议'],
]

export const CONTACTS: [Contact, string][] = [
  ['message', '消息通知'],
  ['phone', '电话回复'],
  ['none', '无需联系'],
]

export const STATES: Record<CaseState, string> = {
  submitted: '待答复',
  answered: '已答复',
  reopened: '重新办理中',
  closed: '已办结',
  withdrawn: '已撤回',
}

/** The steps of the timeline, by the backend's move names. */
export const STEPS: Record<string, string> = {
  submit: '提交诉求',
  answer: '部门答复',
  transfer: '转办',
  withdraw: '撤回',
  reopen: '重新提交',
  confirm: '满意并结束',
  auto_close: '自动办结',
}

export interface CaseSummary {
  case_no: string
  kind: CaseKind
  state: CaseState
  title: string
  department_name: string
  submitted_at: string
  due_at: string
  overdue: boolean
}

export interface CaseView extends CaseSummary {
  text: string
  contact: Contact
  answer: string | null
  answered_at: string | null
  reopened: boolean
  reopen_until: string | null
  moves?: string[]
  timeline: { move: string; to_state: CaseState; department_name: string; text: string | null; at: string }[]
}

export interface FaqEntry {
  id: number
  question: string
  answer: string
  department_name: string
  published_at: string
}

export function kindOf(value: string): CaseKind {
  return KINDS.some(([kind]) => kind === value) ? (value as CaseKind) : 'consultation'
}

/** What the resident may do next: the server's `moves` when it sends them, else what the state
 * allows (reopening once, while the window is open). */
export function nextMoves(view: CaseView, now: Date = new Date()): CaseMove[] {
  const mine: CaseMove[] = ['withdraw', 'reopen', 'confirm']
  if (view.moves) return mine.filter((move) => view.moves?.includes(move))
  if (view.state === 'submitted' || view.state === 'reopened') return ['withdraw']
  if (view.state !== 'answered') return []
  const open = !view.reopened && (!view.reopen_until || new Date(view.reopen_until) >= now)
  return open ? ['reopen', 'confirm'] : ['confirm']
}

/** The last day to answer: `due_at` is that day's end, the next local midnight. */
export function lastDay(dueAt: string): string {
  const local = new Date(new Date(dueAt).getTime() + 8 * 3600 * 1000 - 1)
  return local.toISOString().slice(0, 10)
}
