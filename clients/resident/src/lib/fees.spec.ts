import { describe, expect, it } from 'vitest'

import { applicationOf, feeStateLabel, mayPay, moveName, type Fee } from './fees'

const fee = (state: Fee['state'], out_trade_no: string | null = null): Fee => ({
  amount_fen: 1000,
  state,
  out_trade_no,
  paid_at: null,
  refunded_fen: 0,
})

describe('an application fee', () => {
  it('offers 去缴费 only while the fee is due or its order is open', () => {
    expect(mayPay(fee('due'), ['pay'])).toBe(true)
    expect(mayPay(fee('paying', 'GH1'), ['pay'])).toBe(true)
    expect(mayPay(fee('pending'), ['withdraw'])).toBe(false)
    expect(mayPay(fee('paid', 'GH1'), [])).toBe(false)
    expect(mayPay(null, ['pay'])).toBe(false)
  })

  it('names each state and each timeline move', () => {
    expect(feeStateLabel('due')).toBe('待缴费')
    expect(feeStateLabel('pending')).toBe('审核通过后缴纳')
    expect(moveName('request_payment')).toBe('通知缴费')
    expect(moveName('countersign')).toBe('countersign')
  })

  it('finds the application an order paid for', () => {
    expect(applicationOf('application:SQ261207ABCDEF1234')).toBe('SQ261207ABCDEF1234')
    expect(applicationOf('bills:12')).toBeNull()
  })
})
