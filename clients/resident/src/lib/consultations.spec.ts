import { describe, expect, it } from 'vitest'

import { type CaseView, kindOf, lastDay, nextMoves } from './consultations'

const answered: CaseView = {
  case_no: 'GD261207A1B2C3D4E5',
  kind: 'complaint',
  state: 'answered',
  title: '商家拒绝退货',
  department_name: '市场监督管理局',
  submitted_at: '2026-12-07T02:00:00Z',
  due_at: '2026-12-28T16:00:00Z',
  overdue: false,
  text: '……',
  contact: 'message',
  answer: '已处理',
  answered_at: '2026-12-08T02:00:00Z',
  reopened: false,
  reopen_until: '2026-12-23T02:00:00Z',
  timeline: [],
}

describe('consultations', () => {
  it('follows the moves the server sends', () => {
    expect(nextMoves({ ...answered, moves: ['confirm'] })).toEqual(['confirm'])
    expect(nextMoves({ ...answered, moves: ['withdraw', 'answer'] })).toEqual(['withdraw'])
  })

  it('derives the moves from the state without them', () => {
    const before = new Date('2026-12-10T00:00:00Z')
    expect(nextMoves(answered, before)).toEqual(['reopen', 'confirm'])
    expect(nextMoves({ ...answered, reopened: true }, before)).toEqual(['confirm'])
    expect(nextMoves(answered, new Date('2026-12-24T00:00:00Z'))).toEqual(['confirm'])
    expect(nextMoves({ ...answered, state: 'reopened' }, before)).toEqual(['withdraw'])
    expect(nextMoves({ ...answered, state: 'closed' }, before)).toEqual([])
  })

  it('names the last day of the deadline in the city', () => {
    expect(lastDay('2026-12-28T16:00:00Z')).toBe('2026-12-28')
  })

  it('takes only a known kind from the address', () => {
    expect(kindOf('suggestion')).toBe('suggestion')
    expect(kindOf('')).toBe('consultation')
  })
})
