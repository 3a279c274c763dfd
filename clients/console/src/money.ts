// Money crosses the API as integer fen; staff type and read yuan.

/** Fen from what a clerk typed in yuan ("12.5" → 1250); null when it is not an amount. */
export function yuanToFen(typed: string): number | null {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(typed)
  if (!match) return null
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return fen > 0 ? fen : null
}

export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

/** A new refund number: sent again unchanged when the same refund is retried. */
export function newRefundNo(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14)
  return `CR${stamp}${Math.random().toString(36).slice(2, 8)}`
}
