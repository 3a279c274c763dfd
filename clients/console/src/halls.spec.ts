import { describe, expect, it } from 'vitest'

import { parseSessions, sessionsText, today, uniqueHalls } from './halls'

describe('hall set-up text', () => {
  it('reads sessions typed by a hall administrator', () => {
    expect(parseSessions('08:30-12:00, 14:00-17:30')).toEqual([
      { opens: '08:30', closes: '12:00' },
      { opens: '14:00', closes: '17:30' },
    ])
    expect(parseSessions('09:00~12:00，13:30-17:00')).toHaveLength(2)
    expect(parseSessions('')).toEqual([])
    expect(parseSessions('9-12')).toBeNull()
  })

  it('writes them back the same way', () => {
    const text = '08:30-12:00, 14:00-17:30'
    expect(sessionsText(parseSessions(text) ?? [])).toBe(text)
  })

  it('lists each hall once', () => {
    const windows = [
      { hall_id: 2, hall_name: '思明' },
      { hall_id: 2, hall_name: '思明' },
      { hall_id: 5, hall_name: '海沧' },
    ]
    expect(uniqueHalls(windows)).toEqual([
      { id: 2, name: '思明' },
      { id: 5, name: '海沧' },
    ])
  })

  it('formats the local date', () => {
    expect(today(new Date(2026, 0, 5, 9, 0))).toBe('2026-01-05')
  })
})
