// My numbers with the live place in the queue; a call is shown at once, large.
import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'

import { Loadable, Screen, Tap } from '../../components/ui'
import { call } from '../../lib/api'
import { type Page, rows } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { type Ticket, followTicket, isOpen } from '../../lib/live'
import { go, requireSignIn } from '../../lib/nav'
import { useAsync } from '../../lib/useAsync'

function LiveTicket({ first }: { first: Ticket }) {
  const [ticket, setTicket] = useState(first)
  useEffect(() => (isOpen(first) ? followTicket(first.id, setTicket) : undefined), [first.id])
  const called = ticket.status === 'called'
  return (
    <View className={called ? 'card ticket called' : 'card ticket'} data-test='ticket' data-status={ticket.status} aria-live='assertive'>
      <Text className='ticket-label' data-test='ticket-label'>
        {ticket.label}
      </Text>
      {called ? (
        <Text className='ticket-call' data-test='ticket-call'>
          {t('请到')} {ticket.window_name}
        </Text>
      ) : ticket.status === 'waiting' ? (
        <Text data-test='ticket-ahead'>
          {t('前面还有')} {ticket.ahead} {t('人')} · {t('预计等待')} {Math.ceil(ticket.estimated_wait_seconds / 60)} {t('分钟')}
        </Text>
      ) : (
        <Text>{t('已完成')}</Text>
      )}
    </View>
  )
}

export default function MyNumbers() {
  const signed = requireSignIn()
  const mine = useAsync(async () => (signed ? rows(await call<Page<Ticket> | Ticket[]>('queue', 'my-numbers', {})) : []))
  return (
    <Screen title={t('我的排队')}>
      <Loadable loaded={mine} empty={mine.data?.length === 0}>
        {(list) => list.map((ticket) => <LiveTicket key={ticket.id} first={ticket} />)}
      </Loadable>
      <Tap onTap={() => go('pages/queue/take')} test='take-another'>
        {t('取号')}
      </Tap>
    </Screen>
  )
}
