// 办件审核: what the review page shows of an application and which buttons it offers. The moves
// come from the server (`moves` of applications.review: what the workflow allows staff now);
// this file only names them, orders them and says which need a written reason.
import { fenToYuan } from './money'

export interface ApplicationSummary {
  application_no: string
  item_code: string
  item_name: string
  state: string
  state_name: string
  applicant: string | null
  submitted_at: string | null
  due_at: string | null
  overdue: boolean
}

/** The item's fee and how far its payment went (applications.review `fee`; null: free). */
export interface Fee {
  amount_fen: number
  state: 'pending' | 'due' | 'paying' | 'paid' | 'refunded' | 'not_charged'
  out_trade_no: string | null
  paid_at: string | null
  refunded_fen: number
}

export interface AttachedMaterial {
  code: string
  name: string
  from_library: boolean
  link: string
}

export interface TimelineEntry {
  move: string
  from_state: string
  to_state: string
  actor_type: string
  reason: string | null
  reference?: string | null // the payment order or refund number
  at: string
}

export interface ApplicationView extends ApplicationSummary {
  data: Record<string, unknown>
  field_titles: Record<string, string>
  materials: AttachedMaterial[]
  missing: string[]
  moves: string[]
  supplement_reason: string | null
  fee: Fee | null
  timeline: TimelineEntry[]
}

/** The default workflow's states a reviewer filters by (services/applications/workflow.py). */
export const STATES: { value: string; label: string }[] = [
  { value: 'submitted', label: '已提交' },
  { value: 'accepted', label: '已受理' },
  { value: 'in_review', label: '审核中' },
  { value: 'supplement_requested', label: '待补正' },
  { value: 'approved', label: '审核通过' },
  { value: 'payment_due', label: '待缴费' },
  { value: 'paid', label: '已缴费' },
  { value: 'rejected', label: '不予受理/不予批准' },
  { value: 'completed', label: '已办结' },
  { value: 'withdrawn', label: '已撤回' },
]

export type ButtonType = 'primary' | 'success' | 'warning' | 'danger'

export interface MoveButton {
  move: string
  label: string
  type: ButtonType
  needsReason: boolean
}

// In the order a reviewer works: 受理, 审核 (start, approve), 补正, 办结, and refusing last.
const KNOWN: MoveButton[] = [
  { move: 'accept', label: '受理', type: 'primary', needsReason: false },
  { move: 'review', label: '开始审核', type: 'primary', needsReason: false },
  { move: 'approve', label: '审核通过', type: 'success', needsReason: false },
  { move: 'request_supplement', label: '要求补正', type: 'warning', needsReason: true },
  { move: 'complete', label: '办结', type: 'success', needsReason: false },
  { move: 'reject', label: '不予受理/不予批准', type: 'danger', needsReason: true },
]

const ACTORS: Record<string, string> = { resident: '申请人', staff: '工作人员', system: '系统' }

// Moves staff never make, named on the timeline: the resident's, and the system's for the fee.
const OTHER_MOVES: Record<string, string> = {
  submit: '提交申请',
  resubmit: '补正后重新提交',
  withdraw: '撤回',
  request_payment: '通知缴费',
  pay: '缴费成功',
  refund: '退款',
}

const FEE_STATES: Record<Fee['state'], string> = {
  pending: '审核通过后缴纳',
  due: '待缴费',
  paying: '支付中',
  paid: '已缴费',
  refunded: '已退款',
  not_charged: '未收费',
}

/** "¥10.00 · 已缴费", with what was refunded; 免费 for a free item. */
export function feeText(fee: Fee | null): string {
  if (!fee) return '免费'
  const refunded = fee.refunded_fen > 0 && fee.state !== 'refunded' ? `（已退 ¥${fenToYuan(fee.refunded_fen)}）` : ''
  return `¥${fenToYuan(fee.amount_fen)} · ${FEE_STATES[fee.state] ?? fee.state}${refunded}`
}

/** The buttons for the moves the server allows; a move of an item's own workflow keeps its name. */
export function moveButtons(moves: readonly string[]): MoveButton[] {
  const known = KNOWN.filter((button) => moves.includes(button.move))
  const own = moves
    .filter((move) => !KNOWN.some((button) => button.move === move))
    .map((move): MoveButton => ({ move, label: move, type: 'primary', needsReason: false }))
  return [...known, ...own]
}

export function moveLabel(move: string): string {
  return KNOWN.find((button) => button.move === move)?.label ?? OTHER_MOVES[move] ?? move
}

export function actorLabel(actor: string): string {
  return ACTORS[actor] ?? actor
}

/** A move may be sent when its reason, if it needs one, is written. */
export function canSend(button: MoveButton, comment: string): boolean {
  return !button.needsReason || comment.trim().length > 0
}

/** applications.act's params: the comment goes as the reason when there is one. */
export function actParams(no: string, move: string, comment: string): Record<string, string> {
  const reason = comment.trim()
  return reason ? { application_no: no, move, reason } : { application_no: no, move }
}

/** applications.inbox's params for the page's filters (blank state: every state). */
export function inboxParams(state: string, overdue: boolean, cursor: string | null = null): Record<string, unknown> {
  const params: Record<string, unknown> = { limit: 50 }
  if (state) params.state = state
  if (overdue) params.overdue = true
  if (cursor) params.cursor = cursor
  return params
}

/** Local "YYYY-MM-DD HH:MM" of an ISO time; blank for none. */
export function dateTime(iso: string | null): string {
  if (!iso) return ''
  const at = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`
}

export interface AnswerRow {
  field: string
  title: string
  value: string
}

/** The answers in the form's own field order where it is known, each with its title. */
export function answerRows(data: Record<string, unknown>, titles: Record<string, string>): AnswerRow[] {
  const fields = [...Object.keys(titles).filter((f) => f in data), ...Object.keys(data).filter((f) => !(f in titles))]
  return fields.map((field) => ({ field, title: titles[field] ?? field, value: answerText(data[field]) }))
}

function answerText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map(answerText).join('、')
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
