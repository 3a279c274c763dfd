// The page frame and the few controls every page shares. Controls are NutUI React Taro's, so
// the three builds look alike; on H5 each tappable thing is also a keyboard stop with a label.
import { Button } from '@nutui/nutui-react-taro'
import { Input, Text, Textarea, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { type ReactNode, useEffect, useState } from 'react'

import { onWaiting, secondsLeft, waitingUntil } from '../../../shared/retry'
import type { GovError } from '../lib/api'
import { locale, t } from '../lib/i18n'
import { here, home, replace } from '../lib/nav'
import { elderMode } from '../lib/prefs'
import type { Loaded } from '../lib/useAsync'

/** A keyboard stop on H5 that Enter and Space press (Taro's View types omit tabIndex and
 * onKeyDown; the H5 element takes both, the mini-programs have no keyboard). */
function keyboardStop(press?: () => void): Record<string, unknown> {
  if (!press) return {}
  return {
    tabIndex: 0,
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault()
        press()
      }
    },
  }
}

export function Screen({ title, children }: { title?: string; children: ReactNode }) {
  const [elder, setElder] = useState(elderMode())
  useDidShow(() => setElder(elderMode()))
  return (
    <View className={elder ? 'screen elder' : 'screen'}>
      {title ? (
        <View className='screen-title' role='heading' aria-level={1}>
          {title}
        </View>
      ) : null}
      <RetryNotice />
      {children}
    </View>
  )
}

/** While a request the server refused for now (busy, rate-limited) waits to be sent again: a
 * calm note counting the seconds down, read out politely; it goes when the wait ends. */
function RetryNotice() {
  const [until, setUntil] = useState(waitingUntil())
  const [, setNow] = useState(0)
  useEffect(() => onWaiting(setUntil), [])
  useEffect(() => {
    if (until === null) return undefined
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [until])
  if (until === null) return null
  const seconds = secondsLeft(until)
  return (
    <View className='notice waiting' role='status' aria-live='polite' data-test='retrying'>
      {locale() === 'en' ? `Many people are being served: retrying in ${seconds} s` : `排队人数较多，${seconds} 秒后自动重试`}
    </View>
  )
}

interface TapProps {
  children: ReactNode
  onTap: () => void
  kind?: 'primary' | 'default' | 'danger'
  busy?: boolean
  disabled?: boolean
  label?: string
  test?: string
  block?: boolean
  small?: boolean
}

export function Tap({ children, onTap, kind = 'default', busy, disabled, label, test, block, small }: TapProps) {
  const off = Boolean(disabled || busy)
  const press = () => {
    if (!off) onTap()
  }
  // NutUI's button is not a keyboard stop on H5: the frame around it is, with its label.
  return (
    <View
      className={block ? 'tap-frame tap-block' : 'tap-frame'}
      role='button'
      {...keyboardStop(press)}
      aria-label={label}
      aria-disabled={off}
      data-test={test}
    >
      <Button className='tap' type={kind} size={small ? 'small' : 'large'} block={block} loading={busy} disabled={off} onClick={press}>
        {children}
      </Button>
    </View>
  )
}

/** A tappable row (a catalogue entry, a booking): a link in what it does, a button in the DOM. */
export function Row({ title, note, onTap, test, extra }: { title: string; note?: string; onTap?: () => void; test?: string; extra?: ReactNode }) {
  return (
    <View
      className={onTap ? 'row row-link' : 'row'}
      role={onTap ? 'button' : undefined}
      {...keyboardStop(onTap)}
      aria-label={note ? `${title}，${note}` : title}
      data-test={test}
      onClick={onTap}
    >
      <View className='row-main'>
        <Text className='row-title'>{title}</Text>
        {note ? <Text className='row-note'>{note}</Text> : null}
      </View>
      {extra}
    </View>
  )
}

export function Field({ label, value, onInput, type = 'text', name, maxlength, placeholder }: {
  label: string
  value: string
  onInput: (value: string) => void
  type?: 'text' | 'number' | 'idcard'
  name: string
  maxlength?: number
  placeholder?: string
}) {
  return (
    <View className='field'>
      <Text className='field-label'>{label}</Text>
      <Input
        className='field-input'
        name={name}
        type={type}
        value={value}
        maxlength={maxlength}
        placeholder={placeholder ?? label}
        aria-label={label}
        onInput={(event) => onInput(event.detail.value)}
      />
    </View>
  )
}

/** A field for a few lines of the resident's own words (a case, a reason). */
export function TextBox({ label, value, onInput, name, maxlength }: {
  label: string
  value: string
  onInput: (value: string) => void
  name: string
  maxlength?: number
}) {
  return (
    <View className='field'>
      <Text className='field-label'>{label}</Text>
      <Textarea
        className='field-input field-text'
        name={name}
        value={value}
        maxlength={maxlength}
        placeholder={label}
        aria-label={label}
        onInput={(event) => onInput(event.detail.value)}
      />
    </View>
  )
}

export function ErrorNote({ error, onRetry }: { error: GovError | null; onRetry?: () => void }) {
  if (!error) return null
  return (
    <View className='error' role='alert' data-test='error' data-code={error.code}>
      <Text>{error.message}</Text>
      {error.code === 'LOGIN_REQUIRED' ? (
        <Tap small kind='primary' onTap={() => replace(`pages/login/index?next=${encodeURIComponent(here())}`)} test='sign-in'>
          {t('登录')}
        </Tap>
      ) : onRetry ? (
        <Tap small onTap={onRetry} test='retry'>
          {t('重试')}
        </Tap>
      ) : null}
    </View>
  )
}

/** A loaded part of a page: loading, the error with retry, or its content. Never blank. */
export function Loadable<T>({ loaded, children, empty }: { loaded: Loaded<T>; children: (data: T) => ReactNode; empty?: boolean }) {
  if (loaded.error) {
    return (
      <View>
        <ErrorNote error={loaded.error} onRetry={loaded.reload} />
        <Tap small onTap={home}>
          {t('返回首页')}
        </Tap>
      </View>
    )
  }
  if (loaded.loading && loaded.data === undefined) {
    return (
      <View className='loading' aria-busy='true'>
        {t('加载中')}…
      </View>
    )
  }
  if (loaded.data === undefined || empty) return <View className='empty'>{t('暂无记录')}</View>
  return <>{children(loaded.data)}</>
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <View className='section'>
      <View className='section-title' role='heading' aria-level={2}>
        {title}
      </View>
      {children}
    </View>
  )
}
