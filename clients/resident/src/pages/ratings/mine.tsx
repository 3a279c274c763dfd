// 我的评价: handled matters still to rate (one tap to rate each), then what I rated and how far
// each 差评's rectification went. Notifications link here (notify/templates.py).
import { Text, View } from '@tarojs/components'

import { Loadable, Row, Screen, Section, Tap } from '../../components/ui'
import { call } from '../../lib/api'
import type { Page } from '../../lib/catalog'
import { named, t } from '../../lib/i18n'
import { go, param, requireSignIn } from '../../lib/nav'
import { type Matter, type Reason, caseLabel, gradeColour, ratePath } from '../../lib/ratings'
import { dayAndClock } from '../../lib/time'
import { useAsync } from '../../lib/useAsync'

interface PendingMatter extends Matter {
  item_name: string
  handled_at: string
}

interface Rating extends Matter {
  rating_no: string
  item_name: string
  level: number
  grade_name: string
  reasons: Reason[]
  comment: string | null
  rated_at: string
  case_state: string | null
  case_outcome: string | null
}

export default function MyRatings() {
  const signed = requireSignIn()
  const rated = param('rated')
  const pending = useAsync(async () => (signed ? (await call<{ items: PendingMatter[] }>('ratings', 'pending', {})).items : []))
  const mine = useAsync(async () => (signed ? (await call<Page<Rating>>('ratings', 'mine', {})).items : []))
  return (
    <Screen title={t('我的评价')}>
      {rated ? (
        <View className='notice' role='status' data-test='rated'>
          {t('感谢您的评价')}
        </View>
      ) : null}
      <Section title={t('待评价')}>
        <Loadable loaded={pending} empty={pending.data?.length === 0}>
          {(list) =>
            list.map((m) => (
              <Row
                key={`${m.kind}-${m.reference}`}
                title={m.item_name}
                note={`${m.reference} · ${dayAndClock(m.handled_at)}`}
                test={`pending-${m.reference}`}
                extra={
                  <Tap small kind='primary' onTap={() => go(ratePath(m))} label={`${t('去评价')} ${m.item_name}`} test='rate'>
                    {t('去评价')}
                  </Tap>
                }
              />
            ))
          }
        </Loadable>
      </Section>
      <Section title={t('我的评价')}>
        <Loadable loaded={mine} empty={mine.data?.length === 0}>
          {(list) =>
            list.map((r) => {
              const progress = caseLabel(r.case_state, r.case_outcome)
              return (
                <View key={r.rating_no} className={r.rating_no === rated ? 'card rating just-rated' : 'card rating'} data-test={`rating-${r.reference}`}>
                  <Text className='row-title'>{r.item_name}</Text>
                  <Text className='grade-name' style={{ color: gradeColour(r.level) }} data-test='grade'>
                    {t(r.grade_name)}
                  </Text>
                  {r.reasons.length ? <Text>{r.reasons.map(named).join('、')}</Text> : null}
                  {r.comment ? <Text className='row-note'>{r.comment}</Text> : null}
                  <Text className='row-note'>
                    {r.reference} · {dayAndClock(r.rated_at)}
                  </Text>
                  {progress ? <Text data-test='case'>{t(progress)}</Text> : null}
                </View>
              )
            })
          }
        </Loadable>
      </Section>
    </Screen>
  )
}
