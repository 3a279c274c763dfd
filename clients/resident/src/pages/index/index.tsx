// Home: search, what residents do most, life events and themes, the fast lane, elder mode.
import { Text, View } from '@tarojs/components'
import { useState } from 'react'

import { Field, Loadable, Row, Screen, Section, Tap } from '../../components/ui'
import { call, signedIn } from '../../lib/api'
import { type ItemDetail, type Named, POPULAR_ITEMS, type Page } from '../../lib/catalog'
import { locale, named, setLocale, t } from '../../lib/i18n'
import { go, home } from '../../lib/nav'
import { elderMode, setElderMode } from '../../lib/prefs'
import { useAsync } from '../../lib/useAsync'

const SHORTCUTS: [string, string][] = [
  ['生活缴费', 'pages/bills/index'],
  ['排队取号', 'pages/queue/take'],
  ['我的预约', 'pages/appointments/mine'],
  ['办件查询', 'pages/applications/mine'],
  ['交通罚款', 'pages/traffic/index'],
  ['咨询投诉', 'pages/consultations/new'],
  ['我的', 'pages/me/index'],
]
const FAST_LANE: [string, string][] = [
  ['elderly', '老年人'],
  ['disabled', '残疾人'],
  ['pregnant', '孕产妇'],
  ['minors', '未成年人'],
]

export default function Home() {
  const [query, setQuery] = useState('')
  const [elder, setElder] = useState(elderMode())
  const popular = useAsync(async () => {
    const found = await Promise.all(
      POPULAR_ITEMS.map((code) => call<ItemDetail>('catalog', 'item', { code }).catch(() => null)),
    )
    return found.filter((item): item is ItemDetail => item !== null)
  })
  const events = useAsync(() => call<Named[]>('catalog', 'life-events'))
  const themes = useAsync(() => call<Named[]>('catalog', 'themes'))
  const demands = useAsync(async () =>
    signedIn() ? (await call<Page<{ state: string }>>('demands', 'mine')).items : [],
  )
  const search = () => {
    if (query.trim()) go(`pages/catalog/list?q=${encodeURIComponent(query.trim())}`)
  }
  const toggleElder = () => {
    setElderMode(!elder)
    setElder(!elder)
    home()
  }
  const open = (demands.data ?? []).filter((d) => d.state === 'open').length
  return (
    <Screen title={t('GovHub 城市服务')}>
      <View className='search' role='search'>
        <Field name='q' label={t('搜索办事事项')} value={query} onInput={setQuery} />
        <Tap kind='primary' onTap={search} test='search'>
          {t('搜索')}
        </Tap>
      </View>
      <View className='grid'>
        {SHORTCUTS.map(([label, path]) => (
          <Tap key={path} onTap={() => go(path)} test={`go-${path.split('/')[1]}`}>
            {t(label)}
          </Tap>
        ))}
      </View>
      {open > 0 ? (
        <Row title={`${t('待缴费用')}：${open}`} onTap={() => go('pages/me/index')} test='open-demands' />
      ) : null}
      <Section title={t('常用服务')}>
        <Loadable loaded={popular}>
          {(items) =>
            items.map((item) => (
              <Row key={item.code} title={item.name} test={`item-${item.code}`} onTap={() => go(`pages/catalog/item?code=${item.code}`)} />
            ))
          }
        </Loadable>
      </Section>
      <Section title={t('人生事件')}>
        <Loadable loaded={events}>
          {(list) => (
            <View className='chips'>
              {list.map((event) => (
                <Tap small key={event.code} onTap={() => go(`pages/catalog/list?life_event=${event.code}&title=${encodeURIComponent(named(event))}`)} test={`event-${event.code}`}>
                  {named(event)}
                </Tap>
              ))}
            </View>
          )}
        </Loadable>
      </Section>
      <Section title={t('特殊群体绿色通道')}>
        <View className='chips'>
          {FAST_LANE.map(([code, name]) => (
            <Tap small key={code} onTap={() => go(`pages/catalog/list?target_group=${code}&title=${encodeURIComponent(name)}`)}>
              {name}
            </Tap>
          ))}
        </View>
      </Section>
      <Section title={t('主题服务')}>
        <Loadable loaded={themes}>
          {(list) => (
            <View className='chips'>
              {list.map((theme) => (
                <Tap small key={theme.code} onTap={() => go(`pages/catalog/list?theme=${theme.code}&title=${encodeURIComponent(named(theme))}`)}>
                  {named(theme)}
                </Tap>
              ))}
            </View>
          )}
        </Loadable>
      </Section>
      <View className='prefs'>
        <Tap onTap={toggleElder} test='elder' label={elder ? t('标准模式') : t('长辈模式')}>
          {elder ? t('标准模式') : t('长辈模式')}
        </Tap>
        <Tap
          onTap={() => {
            setLocale(locale() === 'en' ? 'zh-CN' : 'en')
            home()
          }}
          test='locale'
        >
          {t('English')}
        </Tap>
      </View>
      <Text className='footnote'>GovHub</Text>
    </Screen>
  )
}
