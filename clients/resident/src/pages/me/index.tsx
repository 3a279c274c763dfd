// 我的: who I am on GovHub (one account on every channel), my matters, my fees, my settings.
import { Text, View } from '@tarojs/components'

import { Loadable, Row, Screen, Section, Tap } from '../../components/ui'
import { call, signOut } from '../../lib/api'
import type { Page } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { yuan } from '../../lib/money'
import { go, home, requireSignIn } from '../../lib/nav'
import { useAsync } from '../../lib/useAsync'
import type { Demand } from '../demands/detail'

interface Me {
  phone: string | null
  name: string | null
  level: string
  channel_accounts: { id: number; channel: string }[]
}

const MINE: [string, string][] = [
  ['我的事项', 'pages/me/timeline'],
  ['我的预约', 'pages/appointments/mine'],
  ['我的排队', 'pages/queue/mine'],
  ['我的办件', 'pages/applications/mine'],
  ['我的诉求', 'pages/consultations/mine'],
  ['我的评价', 'pages/ratings/mine'],
  ['缴费记录', 'pages/receipts/index'],
  ['生活缴费', 'pages/bills/index'],
]

export default function MePage() {
  const signed = requireSignIn()
  const me = useAsync(() => (signed ? call<Me>('account', 'me') : Promise.reject()))
  const demands = useAsync(async () => (signed ? (await call<Page<Demand>>('demands', 'mine')).items : []))
  return (
    <Screen title={t('我的')}>
      <Loadable loaded={me}>
        {(found) => (
          <View className='card' data-test='me'>
            <Text className='row-title'>{found.name ?? found.phone ?? ''}</Text>
            <Text>
              {found.level === 'real_name' ? t('已实名') : t('未实名')} · {found.channel_accounts.map((a) => a.channel).join(' / ')}
            </Text>
            {found.level !== 'real_name' ? (
              <Tap small onTap={() => go('pages/me/real-name')} test='real-name'>
                {t('实名认证')}
              </Tap>
            ) : null}
          </View>
        )}
      </Loadable>
      <Section title={t('待缴费用')}>
        <Loadable loaded={demands} empty={demands.data?.filter((d) => d.state === 'open').length === 0}>
          {(list) =>
            list
              .filter((d) => d.state === 'open')
              .map((d) => (
                <Row key={d.demand_no} title={d.title} note={`${d.department_name} · ${yuan(d.amount_fen)}`} test='demand' onTap={() => go(`pages/demands/detail?no=${d.demand_no}`)} />
              ))
          }
        </Loadable>
      </Section>
      <Section title={t('我的')}>
        {MINE.map(([label, path]) => (
          <Row key={path} title={t(label)} onTap={() => go(path)} />
        ))}
      </Section>
      <Tap
        onTap={() => {
          signOut()
          home()
        }}
        test='sign-out'
      >
        {t('退出登录')}
      </Tap>
    </Screen>
  )
}
