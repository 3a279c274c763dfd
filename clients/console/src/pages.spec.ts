import { describe, expect, it } from 'vitest'

import { allowedPages, grants } from './pages'

describe('pages by permission', () => {
  it('shows a clerk the window only, an admin everything', () => {
    const clerk = ['staff.self', 'queue.call', 'queue.issue']
    expect(allowedPages(clerk).map((p) => p.path)).toEqual(['/window'])
    expect(allowedPages(['*']).length).toBe(5)
  })

  it('grants finance the payments and reconciliation pages', () => {
    const finance = ['staff.self', 'payments.refund', 'payments.reconcile']
    expect(allowedPages(finance).map((p) => p.path)).toEqual(['/payments', '/reconciliation'])
    expect(grants(finance, 'audit.read')).toBe(false)
  })
})
