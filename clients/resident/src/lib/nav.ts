// Page paths are the same in the H5 (under /h5/) and the mini-programs, so a link the server
// sends (`pages/queue/mine`) opens the same page in every build.
import Taro from '@tarojs/taro'

import { signedIn } from './api'

export function go(path: string): void {
  void Taro.navigateTo({ url: `/${path.replace(/^\//, '')}` })
}

/** Replaces the current page, so Back does not return to a finished step. */
export function replace(path: string): void {
  void Taro.redirectTo({ url: `/${path.replace(/^\//, '')}` })
}

export function home(): void {
  void Taro.reLaunch({ url: '/pages/index/index' })
}

// What the router adds to a page's params on its own, not part of the page's address.
const ROUTER_PARAMS = ['$taroTimestamp', 'stamp']

/** The current page with its query, to come back to after signing in. */
export function here(): string {
  const current = Taro.getCurrentInstance().router
  if (!current) return 'pages/index/index'
  const query = Object.entries(current.params)
    .filter(([key, value]) => !ROUTER_PARAMS.includes(key) && value !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&')
  const path = current.path.split('?')[0].replace(/^\/?(h5\/)?/, '')
  return query ? `${path}?${query}` : path
}

/** Sends a resident who is not signed in to the sign-in page, returning here afterwards. */
export function requireSignIn(): boolean {
  if (signedIn()) return true
  replace(`pages/login/index?next=${encodeURIComponent(here())}`)
  return false
}

export function param(name: string): string {
  const value = Taro.getCurrentInstance().router?.params?.[name]
  return value ? decodeURIComponent(String(value)) : ''
}
