import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { GovError } from './api'
import {
  demandNumber,
  localPath,
  localTime,
  passing,
  payerText,
  poll,
  settled,
  svgImage,
  type CounterDemand,
} from './counter'

describe('the demand number at the counter', () => {
  it('takes a typed number in any case, with spaces or dashes', () => {
    expect(demandNumber(' fd260301ab12cd34ef56 ')).toBe('FD260301AB12CD34EF56')
    expect(demandNumber('FD2603 01AB-12CD')).toBe('FD260301AB12CD')
  })

  it('takes what a scanner reads from the counter QR code or a payment link', () => {
    expect(demandNumber('https://govhub.example.cn/pay/FD260301AB12CD34EF56')).toBe('FD260301AB12CD34EF56')
    expect(demandNumber('http://127.0.0.1:8000/pay/FD260301AB12CD34EF56/receipt')).toBe('FD260301AB12CD34EF56')
  })

  it('refuses what cannot be a number', () => {
    expect(demandNumber('')).toBeNull()
    expect(demandNumber('FD1')).toBeNull()
    expect(demandNumber('不动产登记费')).toBeNull()
    expect(demandNumber('X'.repeat(25))).toBeNull()
  })
})

describe('what the counter shows', () => {
  const demand = { payer_phone_masked: '139****9000', payer_id_masked: null } as CounterDemand

  it('stops asking once nothing at the counter can change the state', () => {
    expect(['open', 'paying'].map(settled)).toEqual([false, false])
    expect(['paid', 'refunded', 'cancelled', 'expired'].every(settled)).toBe(true)
  })

  it('shows the masked payer, the ID number when there is no phone', () => {
    expect(payerText(demand)).toBe('139****9000')
    expect(payerText({ ...demand, payer_phone_masked: null, payer_id_masked: '3502**********1234' })).toBe(
      '3502**********1234',
    )
    expect(payerText({ ...demand, payer_phone_masked: null })).toBe('—')
  })

  it('makes the SVG an image source, never markup', () => {
    const source = svgImage('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')
    expect(source.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true)
    expect(source).not.toContain('<')
  })

  it('prints the receipt from this server whatever host the link names', () => {
    expect(localPath('https://govhub.example.cn/pay/FD1234567/receipt')).toBe('/pay/FD1234567/receipt')
    expect(localPath('/pay/FD1234567/verify?code=AB')).toBe('/pay/FD1234567/verify?code=AB')
  })

  it('writes times in the local zone', () => {
    const at = new Date(2026, 2, 1, 9, 5)
    expect(localTime(at.toISOString())).toBe('2026-03-01 09:05')
    expect(localTime(null)).toBe('')
  })
})

describe('polling the status', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks every interval until the answer is final', async () => {
    const answers = ['open', 'paying', 'paid']
    const load = vi.fn(async () => answers.shift() ?? 'never')
    const seen: string[] = []
    poll(load, settled, (state) => seen.push(state), () => true, 2000)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(seen).toEqual(['open', 'paying', 'paid'])
    expect(load).toHaveBeenCalledTimes(3)
  })

  it('asks again after a failure while told to, and not after stop', async () => {
    let calls = 0
    const load = vi.fn(async () => {
      calls += 1
      if (calls === 1) throw new Error('offline')
      return 'open'
    })
    const errors: unknown[] = []
    const poller = poll(load, settled, () => undefined, (e) => errors.push(e) > 0, 2000)
    await vi.advanceTimersByTimeAsync(4000)
    expect(errors).toHaveLength(1)
    expect(load).toHaveBeenCalledTimes(3)
    poller.stop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(load).toHaveBeenCalledTimes(3)
  })

  it('tells a dropped connection from a final refusal', () => {
    expect(passing(new TypeError('Failed to fetch'))).toBe(true)
    expect(passing(new GovError('RATE_LIMITED', '请求过于频繁'))).toBe(true)
    expect(passing(new GovError('DEMAND_NOT_FOUND', '未找到该缴费通知'))).toBe(false)
    expect(passing(new GovError('PERMISSION_DENIED', '无权操作'))).toBe(false)
  })

  it('gives up when the error is final', async () => {
    const load = vi.fn(async () => {
      throw new Error('no such demand')
    })
    poll(load, settled, () => undefined, () => false, 2000)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(load).toHaveBeenCalledTimes(1)
  })
})
