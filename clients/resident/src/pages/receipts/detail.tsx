// One e-receipt (电子票据) with what it paid; the printable copy carries the verification QR.
import { Text, View } from '@tarojs/components'

import { Loadable, Screen } from '../../components/ui'
import { call } from '../../lib/api'
import { t } from '../../lib/i18n'
import { yuan } from '../../lib/money'
import { param, requireSignIn } from '../../lib/nav'
import { dayAndClock } from '../../lib/time'
import { useAsync } from '../../lib/useAsync'
import type { Receipt } from './index'

export default function ReceiptDetail() {
  const signed = requireSignIn()
  const no = param('no')
  const receipt = useAsync(() => (signed ? call<Receipt>('bills', 'receipt', { receipt_no: no }) : Promise.reject()), [no])
  return (
    <Screen title={t('电子票据')}>
      <Loadable loaded={receipt}>
        {(r) => (
          <View className='card' data-test='receipt-detail'>
            <Text className='row-title'>{r.company_name}</Text>
            <Text>
              {t('户号')}：{r.account_no} · {r.holder}
            </Text>
            {r.items.map((item) => (
              <Text className='line' key={item.bill_id}>
                {item.period} {yuan(item.amount_fen)}
              </Text>
            ))}
            <Text className='amount'>{yuan(r.amount_fen)}</Text>
            <Text className='row-note'>
              {r.receipt_no} · {dayAndClock(r.issued_at)}
            </Text>
            {r.print_url && process.env.TARO_ENV === 'h5' ? (
              <a href={r.print_url} target='_blank' rel='noreferrer'>
                打印 Print
              </a>
            ) : null}
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
