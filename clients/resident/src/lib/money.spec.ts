import { describe, expect, it } from 'vitest'

import { mobile, normalPlate, yuan } from './money'
import { clock, dayAndClock } from './time'

describe('money', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(yuan(13330)).toBe('¥133.30')
    expect(yuan(5)).toBe('¥0.05')
    expect(yuan(0)).toBe('¥0.00')
    expect(yuan(-250)).toBe('-¥2.50')
  })

  it('takes a plate as typed', () => {
    expect(normalPlate(' 粤b 12345 ')).toBe('粤B12345')
  })

  it('accepts mainland mobile numbers only', () => {
    expect(mobile('138 0013 8000')).toBe('13800138000')
    expect(mobile('12800138000')).toBeNull()
    expect(mobile('1380013800')).toBeNull()
  })
})

describe('time', () => {
  it('shows UTC times in the city time, whatever the device zone', () => {
    expect(clock('2026-12-07T01:30:00Z')).toBe('09:30')
    expect(dayAndClock('2026-12-06T17:00:00Z')).toBe('2026-12-07 01:00')
  })
})
