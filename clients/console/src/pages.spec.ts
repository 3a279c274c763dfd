import { describe, expect, it } from 'vitest'

import { PAGES, allowedPages, grants } from './pages'

describe('pages by permission', () => {
  it('shows a clerk the window only, an admin everything', () => {
    const clerk = ['staff.self', 'queue.call', 'queue.issue']
    expect(allowedPages(clerk).map((p) => p.path)).toEqual(['/window'])
    expect(allowedPages([...clerk, 'appointments.checkin']).map((p) => p.path)).toEqual(['/window', '/bookings'])
    expect(allowedPages([...clerk, 'demands.counter']).map((p) => p.path)).toEqual(['/window', '/counter'])
    expect(allowedPages(['*'])).toEqual(PAGES)
  })

  it('grants finance the payments and reconciliation pages', () => {
    const finance = ['staff.self', 'payments.refund', 'payments.reconcile', 'bills.write-offs']
    expect(allowedPages(finance).map((p) => p.path)).toEqual(['/payments', '/reconciliation', '/handovers'])
    expect(grants(finance, 'audit.read')).toBe(false)
  })

  it('grants a reviewer the applications page only', () => {
    expect(allowedPages(['staff.self', 'applications.handle']).map((p) => p.path)).toEqual(['/applications'])
  })
})
