import { describe, expect, it } from 'vitest'

import { searchParams } from './orders'

describe('order search', () => {
  it('tells an order number, a phone number and an account apart', () => {
    expect(searchParams(' GH261206a1b2c3d4e5f6a7b8c9d0e1 ')).toEqual({ out_trade_no: 'GH261206a1b2c3d4e5f6a7b8c9d0e1' })
    expect(searchParams('139 0000 1111')).toEqual({ phone: '13900001111' })
    expect(searchParams('+8613900001111')).toEqual({ phone: '+8613900001111' })
    expect(searchParams('WA-20001')).toEqual({ account: 'WA-20001' })
    expect(searchParams('闽D12345')).toEqual({ account: '闽D12345' })
    expect(searchParams('  ')).toEqual({})
  })
})
