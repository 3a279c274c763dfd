// Every call goes through the gateway: POST /api/v1/services/{service}/{action}, answered with
// the envelope {code, message, data, request_id}. Taro.request is fetch on H5 and the platform's
// request in the mini-programs, so this one module serves all three builds.
import Taro from '@tarojs/taro'

import { advisedWait, patiently } from '../../../shared/retry'
import { locale } from './i18n'

export interface Envelope<T> {
  code: string
  message: string
  data: T
  request_id?: string
}

export interface TokenPair {
  access_token: string
  refresh_token: string
  expires_in: number
}

/** An answer other than OK: `message` is the gateway's, in the resident's language.
 * `retryAfter`: the seconds a refusal that may be sent again (SERVER_BUSY, 429) advises. */
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

export const NETWORK_ERROR = 'NETWORK_ERROR'
const TOKENS = 'govhub.resident.tokens'

/** Where the API lives: the page's own origin on H5, the configured server in mini-programs. */
export function apiBase(): string {
  return process.env.TARO_ENV === 'h5' ? '' : (process.env.TARO_APP_API_BASE ?? '')
}

export function savedTokens(): TokenPair | null {
  const pair = Taro.getStorageSync(TOKENS)
  return pair && typeof pair === 'object' ? (pair as TokenPair) : null
}

export function saveTokens(pair: TokenPair | null): void {
  if (pair) Taro.setStorageSync(TOKENS, pair)
  else Taro.removeStorageSync(TOKENS)
}

export function signedIn(): boolean {
  return savedTokens() !== null
}

/** A fresh idempotency key: a retried tap sends the same one, so nothing happens twice. */
export function newKey(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

/** The data of an answer, or its error; a refusal that may be sent again carries its wait.
 * `retryAfter`: the Retry-After header, where the platform shows headers. */
function opened<T>(status: number, retryAfter: string | undefined, envelope: Envelope<T> | null): T {
  if (!envelope || typeof envelope !== 'object' || !('code' in envelope)) {
    throw new GovError(NETWORK_ERROR, locale() === 'en' ? 'Service unavailable, please retry' : '服务暂不可用，请重试')
  }
  if (envelope.code !== 'OK') {
    const wait = advisedWait(status, envelope.code, retryAfter, envelope.data)
    throw new GovError(envelope.code, envelope.message, envelope.data, wait)
  }
  return envelope.data
}

/** A header of an answer, whatever case the platform gives its name in. */
function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  const found = Object.keys(headers ?? {}).find((key) => key.toLowerCase() === name)
  return found === undefined ? undefined : headers?.[found]
}

/** One request; refused while the server is busy or rate-limited, sent again as it is (the
 * same Idempotency-Key) after the advised wait (`shared/retry.ts`). */
async function post<T>(path: string, body: unknown, token?: string, key?: string): Promise<T> {
  const header: Record<string, string> = {
    'Content-Type': 'application/json',
    'Accept-Language': locale() === 'en' ? 'en' : 'zh-CN',
  }
  if (token) header.Authorization = `Bearer ${token}`
  if (key) header['Idempotency-Key'] = key
  return patiently(async () => {
    let response: Taro.request.SuccessCallbackResult<Envelope<T>>
    try {
      response = await Taro.request<Envelope<T>>({
        url: `${apiBase()}${path}`,
        method: 'POST',
        header,
        data: body,
        timeout: 15000,
      })
    } catch {
      throw new GovError(NETWORK_ERROR, locale() === 'en' ? 'Network error, please retry' : '网络异常，请重试')
    }
    return opened(response.statusCode, headerOf(response.header, 'retry-after'), response.data)
  })
}

let refreshing: Promise<TokenPair | null> | null = null

/** Trades the refresh token for a new pair once, however many calls found the token expired. */
export function refreshTokens(): Promise<TokenPair | null> {
  refreshing ??= (async () => {
    const pair = savedTokens()
    if (!pair) return null
    try {
      const fresh = await post<TokenPair>('/api/v1/auth/refresh', {
        refresh_token: pair.refresh_token,
      })
      saveTokens(fresh)
      return fresh
    } catch (error) {
      if (error instanceof GovError && error.code !== NETWORK_ERROR) saveTokens(null)
      return null
    }
  })().finally(() => {
    refreshing = null
  })
  return refreshing
}

export interface CallOptions {
  /** The idempotency key of a call that changes something; keep it to retry the same call. */
  key?: string
}

const DEAD_SIGN_IN = ['TOKEN_INVALID', 'TOKEN_REVOKED', 'REFRESH_TOKEN_REUSED']

/** Sends as the signed-in resident (or anonymously). An expired token is renewed once; a
 * sign-in that can no longer be used is forgotten and the request sent anonymously, so a public
 * page still works and a private one answers LOGIN_REQUIRED (the page then asks to sign in
 * again). */
async function asResident<T>(send: (token?: string) => Promise<T>): Promise<T> {
  const token = savedTokens()?.access_token
  try {
    return await send(token)
  } catch (error) {
    if (!(error instanceof GovError) || !token) throw error
    if (error.code === 'TOKEN_EXPIRED') {
      const fresh = await refreshTokens()
      if (fresh) return await send(fresh.access_token)
    } else if (!DEAD_SIGN_IN.includes(error.code)) {
      throw error
    }
    saveTokens(null)
    return await send(undefined)
  }
}

/** One gateway action. */
export async function call<T>(
  service: string,
  action: string,
  params: object = {},
  options: CallOptions = {},
): Promise<T> {
  const path = `/api/v1/services/${service}/${action}`
  return asResident((token) => post<T>(path, params, token, options.key))
}

export interface StoredFile {
  file_id: number
  content_type: string
  size: number
  link: string
}

/** Uploads a picked file (a photo of a paper, a PDF) to POST /api/v1/files, answered with the
 * gateway's envelope like every call; the server judges the type by the content. */
export async function uploadFile(filePath: string, fileName = 'material'): Promise<StoredFile> {
  return asResident((token) => {
    const header: Record<string, string> = { 'Accept-Language': locale() === 'en' ? 'en' : 'zh-CN' }
    if (token) header.Authorization = `Bearer ${token}`
    // an upload's answer has no headers on any platform: a wait comes in the envelope's data
    return patiently(async () => {
      let status: number
      let envelope: Envelope<StoredFile>
      try {
        const response = await Taro.uploadFile({ url: `${apiBase()}/api/v1/files`, filePath, name: 'file', fileName, header })
        status = response.statusCode
        envelope = JSON.parse(response.data) as Envelope<StoredFile>
      } catch {
        throw new GovError(NETWORK_ERROR, locale() === 'en' ? 'Upload failed, please retry' : '上传失败，请重试')
      }
      return opened(status, undefined, envelope)
    })
  })
}

export async function requestCode(phone: string): Promise<{ expires_in: number; resend_after: number }> {
  return post('/api/v1/auth/otp', { phone })
}

export async function signInWithCode(phone: string, code: string): Promise<TokenPair> {
  const pair = await post<TokenPair>('/api/v1/auth/login', { phone, code })
  saveTokens(pair)
  return pair
}

/** Mini-program sign-in: wx.login / my.getAuthCode, then our sign-in route for that platform. */
export async function signInWithPlatform(): Promise<TokenPair> {
  let pair: TokenPair
  if (process.env.TARO_ENV === 'alipay') {
    const { authCode } = await (Taro as any).getAuthCode({ scopes: 'auth_base' })
    pair = await post<TokenPair>('/api/v1/auth/alipay-mp', { code: authCode })
  } else {
    const { code } = await Taro.login()
    pair = await post<TokenPair>('/api/v1/auth/wechat-mp', { code })
  }
  saveTokens(pair)
  return pair
}

/** Tokens handed over in the URL fragment by the official account's OAuth landing. */
export function takeTokensFromFragment(hash: string): boolean {
  const fields = new URLSearchParams(hash.replace(/^#/, ''))
  const access = fields.get('access_token')
  const refresh = fields.get('refresh_token')
  if (!access || !refresh) return false
  saveTokens({ access_token: access, refresh_token: refresh, expires_in: Number(fields.get('expires_in') ?? 0) })
  return true
}

export function signOut(): void {
  saveTokens(null)
}
