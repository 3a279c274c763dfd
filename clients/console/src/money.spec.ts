import { describe, expect, it } from 'vitest'
import { fenToYuan, newRefundNo, yuanToFen } from './money'

describe('money typed by staff', () => {
  it('turns yuan into integer fen', () => {
    expect(yuanToFen('12.5')).toBe(1250)
    expect(yuanToFen(' 3 ')).toBe(300)
    expect(yuanToFen('0.07')).toBe(7)
  })

  it('refuses what is not an amount', () => {
    for (const typed of ['', 'abc', '1.234', '-1', '0', '0.00']) expect(yuanToFen(typed)).toBeNull()
  })

  it('shows fen as yuan', () => {
    expect(fenToYuan(1250)).toBe('12.50')
    expect(fenToYuan(7)).toBe('0.07')
  })

  it('numbers refunds in the pattern the gateway accepts', () => {
    expect(newRefundNo(new Date('2026-12-01T02:03:04Z'))).toMatch(/^CR20261201020304[0-9a-z]+$/)
  })
})
