// Where every payment ends: the order's state as the server knows it, asked again until it is
// settled (the platform's notification may arrive a moment after the resident comes back).
import { Text, View } from '@tarojs/components'
import { useEffect } from 'react'

import { Loadable, Screen, Tap } from '../../components/ui'
import { call } from '../../lib/api'
import { applicationOf } from '../../lib/fees'
import { t } from '../../lib/i18n'
import { yuan } from '../../lib/money'
import { go, home, param, requireSignIn } from '../../lib/nav'
import { useAsync } from '../../lib/useAsync'

interface Order {
  out_trade_no: string
  purpose: string
  reference: string
  state: string
  paid: boolean
  amount_fen: number
  refunded_fen: number
  paid_at: string | null
}

export default function PaymentDetail() {
  const signed = requireSignIn()
  const order = param('order')
  const status = useAsync(() => (signed ? call<Order>('payments', 'status', { out_trade_no: order }) : Promise.reject()), [order])
  const settled = status.data && (status.data.paid || ['closed', 'failed', 'refunded'].includes(status.data.state))
  useEffect(() => {
    if (!status.data || settled) return
    const timer = setTimeout(status.reload, 1500)
    return () => clearTimeout(timer)
  }, [status.data])
  return (
    <Screen title={t('支付结果')}>
      <Loadable loaded={status}>
        {(found) => (
          <View className='card' data-test='payment' data-state={found.state}>
            <Text className='amount'>{yuan(found.amount_fen)}</Text>
            <Text className='row-title' data-test='payment-state'>
              {found.paid ? t('支付成功') : settled ? t('支付未完成') : t('等待支付')}
            </Text>
            <Text className='row-note'>{found.out_trade_no}</Text>
            {found.paid && found.purpose === 'utility_bill' ? (
              <Tap onTap={() => go('pages/receipts/index')} test='receipts'>
                {t('电子票据')}
              </Tap>
            ) : null}
            {applicationOf(found.reference) ? (
              <Tap onTap={() => go(`pages/applications/detail?no=${applicationOf(found.reference)}`)} test='application'>
                {t('查看办件')}
              </Tap>
            ) : null}
            <Tap onTap={home}>{t('返回首页')}</Tap>
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
