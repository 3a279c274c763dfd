import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { jittered, waitingUntil } from '../../../shared/retry'
import { call, GovError, requestCode, uploadFile } from './api'

// The platform's request layer, faked: each send takes the next answer of the test's script.
const taro = vi.hoisted(() => ({
  request: vi.fn(),
  uploadFile: vi.fn(),
  getStorageSync: vi.fn(() => ''),
  setStorageSync: vi.fn(),
  removeStorageSync: vi.fn(),
}))
vi.mock('@tarojs/taro', () => ({ default: taro }))

interface Answer {
  status: number
  code: string
  header?: Record<string, string>
  data?: unknown
}

const OK: Answer = { status: 200, code: 'OK', data: { id: 7 } }
const BUSY: Answer = { status: 503, code: 'SERVER_BUSY', header: { 'retry-after': '2' } }

function answers(...script: Answer[]): void {
  for (const answer of script) {
    taro.request.mockResolvedValueOnce({
      statusCode: answer.status,
      header: answer.header ?? {},
      data: { code: answer.code, message: `message of ${answer.code}`, data: answer.data ?? null },
    })
  }
}

function sentKeys(): (string | undefined)[] {
  return taro.request.mock.calls.map(([options]) => options.header['Idempotency-Key'])
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.spyOn(Math, 'random').mockReturnValue(0) // no jitter: the wait is exactly the advised one
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  taro.request.mockReset()
  taro.uploadFile.mockReset()
})

describe('a request refused for now', () => {
  it('is sent again once the Retry-After wait is over, with the same Idempotency-Key', async () => {
    answers(BUSY, OK)
    const outcome = call('queue', 'take', { queue_id: 3 }, { key: 'tap-1' })
    await vi.advanceTimersByTimeAsync(0)
    expect(taro.request).toHaveBeenCalledTimes(1)
    expect(waitingUntil()).toBe(Date.now() + 2000) // the page's notice counts this down
    await vi.advanceTimersByTimeAsync(1999)
    expect(taro.request).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(await outcome).toEqual({ id: 7 })
    expect(sentKeys()).toEqual(['tap-1', 'tap-1'])
    expect(taro.request.mock.calls[1][0].data).toEqual({ queue_id: 3 })
    expect(waitingUntil()).toBeNull()
  })

  it('honours a 429 that says when, whatever case the platform gives the header in', async () => {
    answers({ status: 429, code: 'RATE_LIMITED', header: { 'Retry-After': '1' } }, OK)
    const outcome = call('catalog', 'search', { q: '结婚' })
    await vi.advanceTimersByTimeAsync(1000)
    expect(await outcome).toEqual({ id: 7 })
    expect(taro.request).toHaveBeenCalledTimes(2)
  })

  it('gives up after three sends and shows the last refusal as it came', async () => {
    answers(BUSY, BUSY, BUSY, OK)
    const outcome = call('queue', 'take', { queue_id: 3 }, { key: 'tap-2' })
    const checked = Promise.all([
      expect(outcome).rejects.toBeInstanceOf(GovError),
      expect(outcome).rejects.toMatchObject({ code: 'SERVER_BUSY', message: 'message of SERVER_BUSY', retryAfter: 2 }),
    ])
    await vi.advanceTimersByTimeAsync(60_000)
    await checked
    expect(sentKeys()).toEqual(['tap-2', 'tap-2', 'tap-2'])
    expect(waitingUntil()).toBeNull()
  })

  it('is shown at once when the advised wait is longer than the client waits', async () => {
    answers({ status: 429, code: 'OTP_TOO_FREQUENT', header: { 'retry-after': '60' } })
    await expect(requestCode('13900000000')).rejects.toMatchObject({ code: 'OTP_TOO_FREQUENT', retryAfter: 60 })
    expect(taro.request).toHaveBeenCalledTimes(1)
  })

  it('spreads the clients it refused over a little more than the advised wait', () => {
    expect(jittered(1, 0)).toBe(1000)
    expect(jittered(1, 0.999)).toBe(1500)
    expect(jittered(8, 0.5)).toBe(9000)
    expect(jittered(0, 0)).toBe(1000) // never straight back
  })
})

describe('any other error', () => {
  it.each([
    { status: 400, code: 'VALIDATION_FAILED' },
    { status: 409, code: 'IDEMPOTENCY_CONFLICT' },
    { status: 500, code: 'INTERNAL_ERROR' },
    { status: 503, code: 'PROVIDER_UNAVAILABLE' },
    { status: 429, code: 'RATE_LIMITED' }, // no Retry-After: no wait to keep
  ])('$status $code is shown at once, never sent again', async (answer) => {
    answers({ ...answer, header: answer.code === 'RATE_LIMITED' ? {} : { 'retry-after': '1' } }, OK)
    const refused = expect(call('queue', 'take', { queue_id: 3 }, { key: 'tap-3' })).rejects
    const checked = refused.toMatchObject({ code: answer.code, retryAfter: null })
    await vi.advanceTimersByTimeAsync(60_000)
    await checked
    expect(taro.request).toHaveBeenCalledTimes(1)
  })
})

describe('an upload refused for now', () => {
  function uploadAnswers(...script: Answer[]): void {
    for (const answer of script) {
      taro.uploadFile.mockResolvedValueOnce({
        statusCode: answer.status,
        data: JSON.stringify({ code: answer.code, message: answer.code, data: answer.data ?? null }),
      })
    }
  }

  it('is sent again after the wait its envelope names (uploads show no headers)', async () => {
    const stored = { file_id: 1, content_type: 'image/png', size: 10, link: '/files/1' }
    uploadAnswers({ status: 503, code: 'SERVER_BUSY', data: { retry_after: 1 } }, { ...OK, data: stored })
    const outcome = uploadFile('/tmp/photo.png', 'photo.png')
    await vi.advanceTimersByTimeAsync(1000)
    expect(await outcome).toEqual(stored)
    expect(taro.uploadFile).toHaveBeenCalledTimes(2)
  })

  it('is refused at once when nothing says how long to wait', async () => {
    uploadAnswers({ status: 503, code: 'SERVER_BUSY' })
    await expect(uploadFile('/tmp/photo.png')).rejects.toMatchObject({ code: 'SERVER_BUSY', retryAfter: null })
    expect(taro.uploadFile).toHaveBeenCalledTimes(1)
  })
})
