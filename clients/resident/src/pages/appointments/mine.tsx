// My bookings: each with its check-in QR for the hall's scanner, cancel and reschedule.
import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Loadable, Screen, Tap } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import { type Page, rows } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { go, requireSignIn } from '../../lib/nav'
import { dayAndClock, clock } from '../../lib/time'
import { useAction, useAsync } from '../../lib/useAsync'

interface Appointment {
  id: number
  hall_id: number
  hall_name: string
  item_code: string
  item_name: string
  day: string
  starts_at: string
  ends_at: string
  status: string
  check_in_code: string
}

const STATUS: Record<string, string> = {
  booked: '已预约',
  checked_in: '已签到',
  cancelled: '已取消',
  no_show: '未到场',
  done: '已完成',
}

function CheckInQr({ id }: { id: number }) {
  const qr = useAsync(() => call<{ svg: string; check_in_code: string }>('appointments', 'check-in-qr', { appointment_id: id }), [id])
  return (
    <Loadable loaded={qr}>
      {(found) => (
        <Image
          className='qr'
          src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(found.svg)}`}
          ariaLabel={`${t('签到码')} ${found.check_in_code}`}
        />
      )}
    </Loadable>
  )
}

export default function MyAppointments() {
  const signed = requireSignIn()
  const mine = useAsync(async () => (signed ? rows(await call<Page<Appointment> | Appointment[]>('appointments', 'mine', {})) : []))
  const [open, setOpen] = useState<number | null>(null)
  const cancel = useAction(async (id: number) => {
    await call('appointments', 'cancel', { appointment_id: id }, { key: newKey() })
    mine.reload()
  })
  return (
    <Screen title={t('我的预约')}>
      <ErrorNote error={cancel.error} />
      <Loadable loaded={mine} empty={mine.data?.length === 0}>
        {(list) =>
          list.map((a) => (
            <View className='card' key={a.id} data-test='appointment'>
              <Text className='row-title'>
                {a.item_name} · {a.hall_name}
              </Text>
              <Text>
                {dayAndClock(a.starts_at)}-{clock(a.ends_at)} · {t(STATUS[a.status] ?? a.status)}
              </Text>
              <Text>
                {t('签到码')}：<Text data-test='check-in-code'>{a.check_in_code}</Text>
              </Text>
              {a.status === 'booked' ? (
                <View className='actions'>
                  <Tap small onTap={() => setOpen(open === a.id ? null : a.id)} test='show-qr'>
                    {t('签到码')}
                  </Tap>
                  <Tap small onTap={() => go(`pages/appointments/book?item=${a.item_code}&appointment=${a.id}`)} test='reschedule'>
                    {t('改约')}
                  </Tap>
                  <Tap small kind='danger' onTap={() => void cancel.run(a.id)} busy={cancel.busy} test='cancel'>
                    {t('取消预约')}
                  </Tap>
                </View>
              ) : null}
              {open === a.id ? <CheckInQr id={a.id} /> : null}
            </View>
          ))
        }
      </Loadable>
    </Screen>
  )
}
