// Catalogue entries: a search (`q`), or a life event, theme or group's items, page by page.
import { View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Loadable, Row, Screen, Tap } from '../../components/ui'
import { call } from '../../lib/api'
import type { ItemSummary, Page } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { yuan } from '../../lib/money'
import { go, param } from '../../lib/nav'
import { useAction, useAsync } from '../../lib/useAsync'

function filters(): Record<string, string> {
  const found: Record<string, string> = {}
  for (const name of ['life_event', 'theme', 'target_group']) if (param(name)) found[name] = param(name)
  return found
}

function fetchPage(cursor: string | null): Promise<Page<ItemSummary>> {
  const q = param('q')
  return q
    ? call<Page<ItemSummary>>('catalog', 'search', { q, cursor })
    : call<Page<ItemSummary>>('catalog', 'browse', { ...filters(), cursor })
}

export default function CatalogList() {
  const first = useAsync(() => fetchPage(null))
  const [more, setMore] = useState<ItemSummary[]>([])
  const [cursor, setCursor] = useState<string | null | undefined>(undefined)
  const next = cursor === undefined ? first.data?.next_cursor : cursor
  const loadMore = useAction(async () => {
    const page = await fetchPage(next ?? null)
    setMore([...more, ...page.items])
    setCursor(page.next_cursor)
  })
  const title = param('q') ? `${t('搜索')}：${param('q')}` : param('title')
  return (
    <Screen title={title}>
      <Loadable loaded={first} empty={first.data?.items.length === 0}>
        {(page) => (
          <View>
            {[...page.items, ...more].map((item) => (
              <Row
                key={item.code}
                title={item.name}
                note={item.fee_fen ? yuan(item.fee_fen) : t('免费')}
                test={`item-${item.code}`}
                onTap={() => go(`pages/catalog/item?code=${item.code}`)}
              />
            ))}
            {next ? (
              <Tap onTap={() => void loadMore.run()} busy={loadMore.busy} test='more'>
                {t('更多')}
              </Tap>
            ) : null}
            <ErrorNote error={loadMore.error} />
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
