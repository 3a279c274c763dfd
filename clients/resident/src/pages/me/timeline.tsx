// 我的事项: every application, booking, payment and request of mine in one list, the newest
// first, each with its state; a row opens the page that shows it. 更多 loads the next page.
import { useState } from 'react'

import { ErrorNote, Loadable, Row, Screen, Tap } from '../../components/ui'
import { call } from '../../lib/api'
import type { Page } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { go, requireSignIn } from '../../lib/nav'
import { dayAndClock } from '../../lib/time'
import { useAction, useAsync } from '../../lib/useAsync'

interface Entry {
  kind: string
  kind_name: string
  reference: string
  title: string
  state_name: string
  at: string
  page: string
}

export default function Timeline() {
  const signed = requireSignIn()
  const [more, setMore] = useState<Entry[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const first = useAsync(async () => {
    const page = signed ? await call<Page<Entry>>('timeline', 'mine', {}) : { items: [], next_cursor: null }
    setMore([])
    setCursor(page.next_cursor)
    return page.items
  })
  const next = useAction(async () => {
    const page = await call<Page<Entry>>('timeline', 'mine', { cursor })
    setMore((shown) => [...shown, ...page.items])
    setCursor(page.next_cursor)
  })
  return (
    <Screen title={t('我的事项')}>
      <Loadable loaded={first} empty={first.data?.length === 0}>
        {(items) => (
          <>
            {[...items, ...more].map((e) => (
              <Row
                key={`${e.kind}-${e.reference}`}
                title={`${e.kind_name} · ${e.title}`}
                note={`${e.state_name} · ${dayAndClock(e.at)}`}
                test={`timeline-${e.kind}`}
                onTap={() => go(e.page)}
              />
            ))}
            <ErrorNote error={next.error} />
            {cursor ? (
              <Tap small onTap={() => void next.run()} busy={next.busy} test='more'>
                {t('更多')}
              </Tap>
            ) : null}
          </>
        )}
      </Loadable>
    </Screen>
  )
}
