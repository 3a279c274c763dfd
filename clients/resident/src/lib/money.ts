// Money crosses the API as integer fen; residents read yuan.

export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** "粤B12345" with the letters upper-cased and the spaces gone, as residents type it. */
export function normalPlate(typed: string): string {
  return typed.replace(/\s+/g, '').toUpperCase()
}

/** Mainland mobile number as the sign-in route takes it, or null. */
export function mobile(typed: string): string | null {
  const digits = typed.replace(/[\s-]/g, '')
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null
}
