// A department's fee demand (the link of its text message): what it is for, and pay.
import { Text, View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Loadable, Screen, Tap } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import { t } from '../../lib/i18n'
import { yuan } from '../../lib/money'
import { param, requireSignIn } from '../../lib/nav'
import { type PaymentStart, paymentPage, startPayment } from '../../lib/pay'
import { go } from '../../lib/nav'
import { useAction, useAsync } from '../../lib/useAsync'

export interface Demand {
  demand_no: string
  department_name: string
  title: string
  amount_fen: number
  items: { name: string; quantity: number; unit_fen: number; amount_fen: number }[]
  state: string
  expires_at: string
  out_trade_no: string | null
}

export default function DemandDetail() {
  const signed = requireSignIn()
  const no = param('no')
  const [key] = useState(newKey())
  const demand = useAsync(() => (signed ? call<Demand>('demands', 'detail', { demand_no: no }) : Promise.reject()), [no])
  const pay = useAction(async () => {
    const paid = await call<{ payment: PaymentStart }>('demands', 'pay', { demand_no: no }, { key })
    await startPayment(paid.payment)
  })
  return (
    <Screen title={t('待缴费用')}>
      <Loadable loaded={demand}>
        {(d) => (
          <View className='card' data-test='demand'>
            <Text className='row-title'>{d.title}</Text>
            <Text className='row-note'>{d.department_name}</Text>
            {d.items.map((item) => (
              <Text className='line' key={item.name}>
                {item.name} ×{item.quantity} {yuan(item.amount_fen)}
              </Text>
            ))}
            <Text className='amount'>{yuan(d.amount_fen)}</Text>
            {d.state === 'open' ? (
              <Tap kind='primary' onTap={() => void pay.run()} busy={pay.busy} test='pay'>
                {t('缴费')}
              </Tap>
            ) : d.out_trade_no ? (
              <Tap onTap={() => go(paymentPage(d.out_trade_no ?? ''))}>{t('支付结果')}</Tap>
            ) : (
              <Text>{d.state}</Text>
            )}
            <ErrorNote error={pay.error} />
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
