// Taking a number: the hall (the first is chosen already) and its queues, each one tap away.
import { View } from '@tarojs/components'
import { useEffect, useState } from 'react'

import { ErrorNote, Loadable, Row, Screen, Section, Tap } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import type { Hall } from '../../lib/catalog'
import { named, t } from '../../lib/i18n'
import type { Ticket } from '../../lib/live'
import { param, replace, requireSignIn } from '../../lib/nav'
import { useAction, useAsync } from '../../lib/useAsync'

interface Queue {
  id: number
  code: string
  name: string
  name_en?: string | null
  waiting: number
}

export default function TakeNumber() {
  const [hallId, setHallId] = useState<number | null>(Number(param('hall')) || null)
  const [key] = useState(newKey())
  const halls = useAsync(() => call<Hall[]>('catalog', 'halls'))
  useEffect(() => {
    if (hallId === null && halls.data?.length) setHallId(halls.data[0].id)
  }, [halls.data])
  const queues = useAsync(
    () => (hallId ? call<Queue[]>('queue', 'queues', { hall_id: hallId }) : Promise.resolve([])),
    [hallId],
  )
  const take = useAction(async (queue: Queue) => {
    if (!requireSignIn()) return
    const ticket = await call<Ticket>('queue', 'take', { queue_id: queue.id }, { key: `${key}-${queue.id}` })
    replace(`pages/queue/mine?id=${ticket.id}`)
  })
  return (
    <Screen title={t('排队取号')}>
      <Section title={t('选择大厅')}>
        <Loadable loaded={halls}>
          {(list) => (
            <View className='chips'>
              {list.map((h) => (
                <Tap small key={h.id} kind={h.id === hallId ? 'primary' : 'default'} onTap={() => setHallId(h.id)} test={`hall-${h.code}`}>
                  {h.name}
                </Tap>
              ))}
            </View>
          )}
        </Loadable>
      </Section>
      <ErrorNote error={take.error} />
      <Loadable loaded={queues} empty={queues.data?.length === 0}>
        {(list) =>
          list.map((queue) => (
            <Row
              key={queue.id}
              title={`${queue.code} ${named(queue)}`}
              note={`${t('等待中')} ${queue.waiting}`}
              test={`queue-${queue.code}`}
              onTap={() => void take.run(queue)}
              extra={<View className='row-action'>{t('取号')}</View>}
            />
          ))
        }
      </Loadable>
    </Screen>
  )
}
