import { describe, expect, it } from 'vitest'
import { announcement, byLane, newCalls, type BoardCall, type Waiting } from './queue'

const call = (ticket_id: number, label: string, recalls = 0): BoardCall => ({
  ticket_id,
  label,
  window_name: '3号窗口',
  called_at: '2026-12-01T02:00:00Z',
  recalls,
})

const waiting = (id: number, lane: number): Waiting => ({
  id,
  label: `A${id}`,
  queue_id: 1,
  lane,
  fast_lane_group: null,
  taken_at: '2026-12-01T01:00:00Z',
})

describe('the hall board', () => {
  it('reads a call out digit by digit with its window', () => {
    expect(announcement(call(1, 'A012'))).toBe('请 A 0 1 2 号到 3号窗口 办理')
  })

  it('reads out new numbers and recalls, not numbers already shown', () => {
    const before = [call(1, 'A001'), call(2, 'A002')]
    const after = [call(3, 'A003'), call(1, 'A001', 1), call(2, 'A002')]
    expect(newCalls(before, after).map((c) => c.label)).toEqual(['A003', 'A001'])
  })
})

describe('the waiting list', () => {
  it('is grouped by lane in serving order', () => {
    const lanes = byLane([waiting(1, 2), waiting(2, 0), waiting(3, 1), waiting(4, 2)])
    expect(lanes.map((l) => [l.name, l.tickets.map((t) => t.id)])).toEqual([
      ['预约', [2]],
      ['绿色通道', [3]],
      ['普通', [1, 4]],
    ])
  })
})
