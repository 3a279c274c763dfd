// 常见问题: answers departments published for everyone, searched by words; no sign-in needed.
import { Text, View } from '@tarojs/components'
import { useState } from 'react'

import { Field, Loadable, Screen, Tap } from '../../components/ui'
import { call } from '../../lib/api'
import type { Page } from '../../lib/catalog'
import type { FaqEntry } from '../../lib/consultations'
import { t } from '../../lib/i18n'
import { go, param } from '../../lib/nav'
import { useAsync } from '../../lib/useAsync'

export default function Faq() {
  const [query, setQuery] = useState(param('q'))
  const [searched, setSearched] = useState(param('q'))
  const list = useAsync(async () => (await call<Page<FaqEntry>>('consultations', 'faq', searched ? { q: searched } : {})).items, [searched])
  return (
    <Screen title={t('常见问题')}>
      <View className='search' role='search'>
        <Field name='q' label={t('搜索常见问题')} value={query} onInput={setQuery} maxlength={50} />
        <Tap kind='primary' onTap={() => setSearched(query.trim())} test='search'>
          {t('搜索')}
        </Tap>
      </View>
      <Loadable loaded={list} empty={list.data?.length === 0}>
        {(found) =>
          found.map((entry) => (
            <View className='card' key={entry.id} data-test='faq'>
              <Text className='row-title'>{entry.question}</Text>
              <Text>{entry.answer}</Text>
              <Text className='row-note'>{entry.department_name}</Text>
            </View>
          ))
        }
      </Loadable>
      <Tap onTap={() => go('pages/consultations/new?kind=consultation')} test='ask'>
        {t('没找到？我要咨询')}
      </Tap>
    </Screen>
  )
}
