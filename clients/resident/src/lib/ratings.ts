// 好差评: the five grades as the resident sees them, the reasons a grade offers, and the params
// of `ratings.rate`. Names come from `ratings.grades`; colours and the order are the client's.

export interface Reason {
  code: string
  name: string
  name_en: string
}

export interface Grade {
  level: number
  grade: string
  name: string
  name_en: string
  opens_case: boolean
  reasons: Reason[]
}

/** A matter of any kind: `reference` is its number in the capability that handled it. */
export interface Matter {
  kind: string
  reference: string
}

export interface RateParams extends Matter {
  level: number
  reasons: string[]
  comment?: string
}

// Green to red, 5 非常满意 to 1 非常不满意: the colour says the grade before the words do.
const COLOURS: Record<number, string> = { 5: '#1a7f37', 4: '#3f9b4f', 3: '#8a6d00', 2: '#c2410c', 1: '#b00020' }

export function gradeColour(level: number): string {
  return COLOURS[level] ?? '#666'
}

/** The grades best first, as they are laid out on the page. */
export function bestFirst(grades: Grade[]): Grade[] {
  return [...grades].sort((a, b) => b.level - a.level)
}

/** The reasons the chosen grade offers; none before a grade is chosen. */
export function reasonsOf(grades: Grade[], level: number | null): Reason[] {
  return grades.find((g) => g.level === level)?.reasons ?? []
}

/** Picking another grade keeps the picked reasons that grade also offers, drops the rest. */
export function keptReasons(grades: Grade[], level: number, picked: string[]): string[] {
  const offered = new Set(reasonsOf(grades, level).map((r) => r.code))
  return picked.filter((code) => offered.has(code))
}

export function toggled(picked: string[], code: string): string[] {
  return picked.includes(code) ? picked.filter((c) => c !== code) : [...picked, code]
}

/** The page address that rates one matter. */
export function ratePath(matter: Matter): string {
  return `pages/ratings/rate?kind=${encodeURIComponent(matter.kind)}&ref=${encodeURIComponent(matter.reference)}`
}

/** What `ratings.rate` takes: the reasons in the grade's order, the comment only when given. */
export function rateParams(matter: Matter, grades: Grade[], level: number, picked: string[], comment: string): RateParams {
  const reasons = reasonsOf(grades, level)
    .map((r) => r.code)
    .filter((code) => picked.includes(code))
  const text = comment.trim()
  return { kind: matter.kind, reference: matter.reference, level, reasons, ...(text ? { comment: text } : {}) }
}

/** How far a 差评's rectification went, as a short Chinese label (null: no case). */
export function caseLabel(state: string | null, outcome: string | null): string | null {
  if (!state) return null
  if (state === 'closed') {
    if (outcome === 'rectified') return '已整改'
    if (outcome === 'explained') return '已解释说明'
    if (outcome === 'unfounded') return '经核实情况不属实'
    if (outcome === 'withdrawn') return '申诉成立'
    return '整改已办结'
  }
  return state === 'called_back' ? '已回访，整改中' : '整改中'
}
