// An application's fee as the progress page shows it: what its state means to the resident,
// whether 去缴费 is offered, and which order a payment of it ended in. The state comes from the
// server (`fee` of applications.detail); this file only names it.

export type FeeState = 'pending' | 'due' | 'paying' | 'paid' | 'refunded' | 'not_charged'

export interface Fee {
  amount_fen: number
  state: FeeState
  out_trade_no: string | null
  paid_at: string | null
  refunded_fen: number
}

const FEE_STATES: Record<FeeState, string> = {
  pending: '审核通过后缴纳',
  due: '待缴费',
  paying: '支付中',
  paid: '已缴费',
  refunded: '已退款',
  not_charged: '无需缴费',
}

export function feeStateLabel(state: FeeState): string {
  return FEE_STATES[state] ?? state
}

/** 去缴费 while the fee is due, and again while an order is open (the same order comes back). */
export function mayPay(fee: Fee | null, moves: readonly string[]): boolean {
  return fee !== null && moves.includes('pay') && (fee.state === 'due' || fee.state === 'paying')
}

/** The application a payment order was for (its reference names it), or null. */
export function applicationOf(reference: string): string | null {
  return reference.startsWith('application:') ? reference.slice('application:'.length) : null
}

// The timeline's moves in the resident's words (services/applications/workflow.py).
const MOVES: Record<string, string> = {
  submit: '提交申请',
  resubmit: '补正后重新提交',
  withdraw: '撤回申请',
  accept: '受理',
  review: '开始审核',
  request_supplement: '要求补正',
  approve: '审核通过',
  reject: '不予受理/不予批准',
  request_payment: '通知缴费',
  pay: '已缴费',
  refund: '退款',
  complete: '办结',
}

export function moveName(move: string): string {
  return MOVES[move] ?? move
}
