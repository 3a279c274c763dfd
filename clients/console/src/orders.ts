// The order search on the payments page: one box for what the resident at the counter knows.

export interface Order {
  out_trade_no: string
  purpose: string
  description: string
  state: string
  amount_fen: number
  refunded_fen: number
  paid: boolean
  paid_at: string | null
}

const OUT_TRADE_NO = /^GH\d{6}[0-9a-f]{22}$/i
const MOBILE = /^(\+?86)?1\d{10}$/

/** An order number, a phone number, or else what was paid for (account, decision, plate…). */
export function searchParams(text: string): Record<string, string> {
  const term = text.trim()
  const compact = term.replace(/[\s-]/g, '')
  if (OUT_TRADE_NO.test(term)) return { out_trade_no: term }
  if (MOBILE.test(compact)) return { phone: compact }
  return term ? { account: term } : {}
}

export const ORDER_STATES: Record<string, string> = {
  created: '待支付',
  paid: '已支付',
  partially_refunded: '部分退款',
  refunded: '已退款',
  closed: '已关闭',
  paid_after_close: '关闭后到账',
}
