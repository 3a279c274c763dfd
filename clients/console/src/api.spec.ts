import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { waitingUntil } from '../../shared/retry'
import { call, GovError } from './api'
import App from './App.vue'

interface Answer {
  status: number
  code: string
  headers?: Record<string, string>
}

const OK: Answer = { status: 200, code: 'OK' }
const BUSY: Answer = { status: 503, code: 'SERVER_BUSY', headers: { 'Retry-After': '2' } }

// The network, faked: each request takes the next answer of the test's script.
const fetch = vi.fn()

function answers(...script: Answer[]): void {
  for (const answer of script) {
    const body = { code: answer.code, message: `message of ${answer.code}`, data: answer.code === 'OK' ? { done: true } : null }
    fetch.mockResolvedValueOnce(new Response(JSON.stringify(body), { status: answer.status, headers: answer.headers }))
  }
}

function sentKeys(): (string | undefined)[] {
  return fetch.mock.calls.map(([, init]) => (init.headers as Record<string, string>)['Idempotency-Key'])
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.spyOn(Math, 'random').mockReturnValue(0) // no jitter: the wait is exactly the advised one
  vi.stubGlobal('fetch', fetch)
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
  fetch.mockReset()
})

describe('a request refused for now', () => {
  it('is sent again once the Retry-After wait is over, with the same Idempotency-Key', async () => {
    answers(BUSY, OK)
    const outcome = call('queue', 'call-next', { window_id: 1 }, { mutates: true })
    await vi.advanceTimersByTimeAsync(0)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1999)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(await outcome).toEqual({ done: true })
    const [first, again] = sentKeys()
    expect(first).toMatch(/^[0-9a-f-]{36}$/)
    expect(again).toBe(first)
    expect(fetch.mock.calls[1][1].body).toBe('{"window_id":1}')
  })

  it('honours a 429 that says when', async () => {
    answers({ status: 429, code: 'RATE_LIMITED', headers: { 'Retry-After': '1' } }, OK)
    const outcome = call('payments', 'orders', { q: 'SW0010001' })
    await vi.advanceTimersByTimeAsync(1000)
    expect(await outcome).toEqual({ done: true })
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('gives up after three sends and shows the last refusal as it came', async () => {
    answers(BUSY, BUSY, BUSY, OK)
    const outcome = call('queue', 'call-next', { window_id: 1 }, { mutates: true })
    const checked = Promise.all([
      expect(outcome).rejects.toBeInstanceOf(GovError),
      expect(outcome).rejects.toMatchObject({ code: 'SERVER_BUSY', message: 'message of SERVER_BUSY', retryAfter: 2 }),
    ])
    await vi.advanceTimersByTimeAsync(60_000)
    await checked
    expect(new Set(sentKeys()).size).toBe(1)
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it.each([
    { status: 400, code: 'VALIDATION_FAILED' },
    { status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' },
    { status: 500, code: 'INTERNAL_ERROR' },
  ])('but $status $code is shown at once, never sent again', async (answer) => {
    answers({ ...answer, headers: { 'Retry-After': '1' } }, OK)
    const refused = expect(call('queue', 'call-next', { window_id: 1 }, { mutates: true })).rejects
    const checked = refused.toMatchObject({ code: answer.code, retryAfter: null })
    await vi.advanceTimersByTimeAsync(60_000)
    await checked
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})

describe('the console while a request waits to be sent again', () => {
  it('says so calmly, counts down, and the note goes once the request went through', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/login', component: { template: '<p>login</p>' } }],
    })
    await router.push('/login')
    const wrapper = mount(App, { global: { plugins: [router, ElementPlus] } })
    answers({ status: 503, code: 'SERVER_BUSY', headers: { 'Retry-After': '3' } }, OK)
    const outcome = call('staff', 'me')
    await vi.advanceTimersByTimeAsync(0)
    const note = wrapper.find('[data-test=retrying]')
    expect(note.text()).toContain('3 秒后自动重试')
    expect(note.attributes('role')).toBe('status')
    await vi.advanceTimersByTimeAsync(1000)
    expect(wrapper.find('[data-test=retrying]').text()).toContain('2 秒后自动重试')
    await vi.advanceTimersByTimeAsync(2000)
    await flushPromises()
    expect(await outcome).toEqual({ done: true })
    expect(waitingUntil()).toBeNull()
    expect(wrapper.find('[data-test=retrying]').exists()).toBe(false)
    wrapper.unmount()
  })
})
