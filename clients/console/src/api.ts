// Every call goes through the gateway: POST /api/v1/services/{service}/{action}, answered with
// the envelope {code, message, data, request_id}. A staff sign-in is kept in sessionStorage so a
// shared hall computer forgets it when the browser closes. A refusal for now (SERVER_BUSY, 429
// with Retry-After) is sent again after the advised wait (../../shared/retry.ts).
import { advisedWait, patiently } from '../../shared/retry'

export interface Envelope<T> {
  code: string
  message: string
  data: T
  request_id?: string
}

/** An answer other than OK. `retryAfter`: the seconds a refusal that may be sent again advises. */
export class GovError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly data: unknown = null,
    public readonly retryAfter: number | null = null,
  ) {
    super(message)
  }
}

export interface TokenPair {
  access_token: string
  refresh_token: string
  expires_in: number
}

const TOKENS = 'govhub.console.tokens'

export function savedTokens(): TokenPair | null {
  const raw = sessionStorage.getItem(TOKENS)
  return raw ? (JSON.parse(raw) as TokenPair) : null
}

export function saveTokens(pair: TokenPair | null): void {
  if (pair) sessionStorage.setItem(TOKENS, JSON.stringify(pair))
  else sessionStorage.removeItem(TOKENS)
}

/** One request, sent again as it is (the same `key` as Idempotency-Key) while refused for now. */
async function post<T>(url: string, body: unknown, token?: string, key?: string): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  if (key) headers['Idempotency-Key'] = key
  return patiently(async () => {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })
    const envelope = (await response.json()) as Envelope<T>
    if (envelope.code !== 'OK') {
      const wait = advisedWait(response.status, envelope.code, response.headers.get('Retry-After'), envelope.data)
      throw new GovError(envelope.code, envelope.message, envelope.data, wait)
    }
    return envelope.data
  })
}

export async function login(username: string, password: string): Promise<TokenPair> {
  const pair = await post<TokenPair>('/api/v1/staff/login', { username, password })
  saveTokens(pair)
  return pair
}

async function refreshed(): Promise<TokenPair | null> {
  const pair = savedTokens()
  if (!pair) return null
  try {
    const fresh = await post<TokenPair>('/api/v1/staff/refresh', {
      refresh_token: pair.refresh_token,
    })
    saveTokens(fresh)
    return fresh
  } catch {
    saveTokens(null)
    return null
  }
}

/** One gateway action as the signed-in staff member; an expired access token is refreshed once. */
export async function call<T>(
  service: string,
  action: string,
  params: object = {},
  { mutates = false } = {},
): Promise<T> {
  const url = `/api/v1/services/${service}/${action}`
  // one key for the call: every send of it (after a wait, with a renewed token) is the same one
  const key = mutates ? crypto.randomUUID() : undefined
  try {
    return await post<T>(url, params, savedTokens()?.access_token, key)
  } catch (error) {
    if (!(error instanceof GovError) || error.code !== 'TOKEN_EXPIRED') throw error
    const fresh = await refreshed()
    if (!fresh) throw error
    return await post<T>(url, params, fresh.access_token, key)
  }
}

export async function logout(): Promise<void> {
  const pair = savedTokens()
  saveTokens(null)
  if (pair) await post('/api/v1/staff/logout', {}, pair.access_token).catch(() => undefined)
}
