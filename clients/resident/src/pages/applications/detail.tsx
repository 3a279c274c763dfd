// One application's progress (办件进度): its state and every move, newest last.
import { Text, View } from '@tarojs/components'

import { Loadable, Screen, Section } from '../../components/ui'
import { call } from '../../lib/api'
import { t } from '../../lib/i18n'
import { param, requireSignIn } from '../../lib/nav'
import { dayAndClock } from '../../lib/time'
import { useAsync } from '../../lib/useAsync'

interface ApplicationView {
  application_no: string
  item_name: string
  state_name: string
  supplement_reason: string | null
  due_at: string | null
  timeline: { move: string; to_state: string; reason: string | null; at: string }[]
}

export default function ApplicationDetail() {
  const signed = requireSignIn()
  const no = param('no')
  const view = useAsync(() => (signed ? call<ApplicationView>('applications', 'detail', { application_no: no }) : Promise.reject()), [no])
  return (
    <Screen title={t('办件进度')}>
      <Loadable loaded={view}>
        {(a) => (
          <View className='card' data-test='application-detail'>
            <Text className='row-title'>{a.item_name}</Text>
            <Text>
              {a.application_no} · <Text data-test='application-state'>{a.state_name}</Text>
            </Text>
            {a.supplement_reason ? <Text className='error'>{a.supplement_reason}</Text> : null}
            <Section title={t('办理流程')}>
              {a.timeline.map((entry) => (
                <Text className='line' key={`${entry.at}-${entry.move}`}>
                  {dayAndClock(entry.at)} {entry.move}
                  {entry.reason ? `：${entry.reason}` : ''}
                </Text>
              ))}
            </Section>
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
