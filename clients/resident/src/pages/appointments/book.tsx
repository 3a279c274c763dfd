// Booking: hall, day and time on one page; tapping a time books it (or moves a booking there
// when `appointment` names one to reschedule). The first hall and day are chosen already.
import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'

import { ErrorNote, Loadable, Screen, Section, Tap } from '../../components/ui'
import { GovError, call, newKey } from '../../lib/api'
import type { Hall, ItemDetail } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { go, param, replace, requireSignIn } from '../../lib/nav'
import { clock } from '../../lib/time'
import { useAction, useAsync } from '../../lib/useAsync'

interface Slot {
  id: number
  day: string
  starts_at: string
  ends_at: string
  capacity: number
  remaining: number
}

export default function Book() {
  const itemCode = param('item')
  const moving = Number(param('appointment')) || null
  const [hall, setHall] = useState(param('hall'))
  const [day, setDay] = useState('')
  const [key] = useState(newKey())
  const item = useAsync(() => call<ItemDetail>('catalog', 'item', { code: itemCode }), [itemCode])
  const halls = useAsync(() => call<Hall[]>('catalog', 'halls'))
  useEffect(() => {
    if (!hall && halls.data?.length) setHall(halls.data[0].code)
  }, [halls.data])
  const slots = useAsync(
    () => (hall ? call<Slot[]>('appointments', 'available-slots', { hall, item: itemCode }) : Promise.resolve([])),
    [hall, itemCode],
  )
  const days = [...new Set((slots.data ?? []).map((slot) => slot.day))]
  const shown = day && days.includes(day) ? day : days[0]
  const book = useAction(async (slot: Slot) => {
    if (!requireSignIn()) return
    try {
      if (moving) await call('appointments', 'reschedule', { appointment_id: moving, slot_id: slot.id }, { key })
      else await call('appointments', 'book', { slot_id: slot.id }, { key })
    } catch (error) {
      if (error instanceof GovError && error.code === 'REAL_NAME_REQUIRED') {
        go(`pages/me/real-name?next=${encodeURIComponent(`pages/appointments/book?item=${itemCode}&hall=${hall}`)}`)
      }
      throw error
    }
    replace('pages/appointments/mine?booked=1')
  })
  return (
    <Screen title={`${t('预约办事')} · ${item.data?.name ?? ''}`}>
      <Section title={t('选择大厅')}>
        <Loadable loaded={halls}>
          {(list) => (
            <View className='chips'>
              {list.map((h) => (
                <Tap small key={h.code} kind={h.code === hall ? 'primary' : 'default'} onTap={() => setHall(h.code)} test={`hall-${h.code}`}>
                  {h.name}
                </Tap>
              ))}
            </View>
          )}
        </Loadable>
      </Section>
      <Section title={t('选择日期')}>
        <View className='chips'>
          {days.map((d) => (
            <Tap small key={d} kind={d === shown ? 'primary' : 'default'} onTap={() => setDay(d)} test={`day-${d}`}>
              {d.slice(5)}
            </Tap>
          ))}
        </View>
      </Section>
      <Section title={t('选择时段')}>
        <ErrorNote error={book.error} />
        <Loadable loaded={slots} empty={slots.data?.length === 0}>
          {(list) => (
            <View className='slots'>
              {list
                .filter((slot) => slot.day === shown)
                .map((slot) => (
                  <Tap
                    key={slot.id}
                    onTap={() => void book.run(slot)}
                    disabled={slot.remaining <= 0 || book.busy}
                    test='slot'
                    label={`${t('预约')} ${slot.day} ${clock(slot.starts_at)}-${clock(slot.ends_at)}`}
                  >
                    <Text>
                      {clock(slot.starts_at)}-{clock(slot.ends_at)}{' '}
                      {slot.remaining > 0 ? `${t('剩余')} ${slot.remaining}` : t('已约满')}
                    </Text>
                  </Tap>
                ))}
            </View>
          )}
        </Loadable>
      </Section>
    </Screen>
  )
}
