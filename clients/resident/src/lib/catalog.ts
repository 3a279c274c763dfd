// What residents do most, first: the home page's short list. Codes of the catalogue (`govhub
// seed` loads them); a code the catalogue lacks is simply not shown.
export const POPULAR_ITEMS = ['MZ001', 'GA006', 'GA007', 'MZ003']

export interface Named {
  code: string
  name: string
  name_en?: string | null
  item_count?: number
}

export interface ItemSummary {
  code: string
  name: string
  online_level: string
  promised_days: number
  fee_fen: number
}

export interface Hall {
  id: number
  code: string
  name: string
  address: string
  opening_hours: string
  phone: string
}

export interface Material {
  name: string
  required: boolean
  copies: number
  note?: string | null
}

export interface ItemDetail extends ItemSummary {
  summary: string
  conditions?: string | null
  materials: Material[]
  steps: { title: string; description: string }[]
  faqs: { question: string; answer: string }[]
  channels: string[]
  fast_lane: boolean
}

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

/** A list action's rows, whether it answers a page or (older actions) a bare list. */
export function rows<T>(answer: Page<T> | T[]): T[] {
  return Array.isArray(answer) ? answer : answer.items
}
