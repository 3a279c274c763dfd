// Traffic fines (交通违法): look up by plate and the VIN's last six, pay each decision.
import { Text, View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Field, Screen, Tap } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import { t } from '../../lib/i18n'
import { normalPlate, yuan } from '../../lib/money'
import { requireSignIn } from '../../lib/nav'
import { type PaymentStart, startPayment } from '../../lib/pay'
import { useAction } from '../../lib/useAsync'

interface Violation {
  record_id: string
  occurred_at: string
  place: string
  description: string
  points: number
  decision_no: string
  total_fen: number
  state: string
  payable: boolean
}

export default function Traffic() {
  requireSignIn()
  const [plate, setPlate] = useState('')
  const [vin, setVin] = useState('')
  const [found, setFound] = useState<Violation[] | null>(null)
  const [key] = useState(newKey())
  const vehicle = () => ({ plate: normalPlate(plate), vin_last6: vin.trim() })
  const query = useAction(async () => {
    setFound((await call<{ violations: Violation[] }>('traffic', 'query', vehicle())).violations)
  })
  const pay = useAction(async (decision: string) => {
    const paid = await call<{ payment: PaymentStart }>('traffic', 'pay', { ...vehicle(), decision_no: decision }, { key: `${key}-${decision}` })
    await startPayment(paid.payment)
  })
  return (
    <Screen title={t('交通罚款')}>
      <View className='form'>
        <Field name='plate' label={t('车牌号')} value={plate} onInput={setPlate} maxlength={10} />
        <Field name='vin' label={t('车架号后六位')} value={vin} onInput={setVin} maxlength={6} />
        <Tap kind='primary' onTap={() => void query.run()} busy={query.busy} disabled={!plate.trim() || vin.trim().length !== 6} test='query'>
          {t('查询')}
        </Tap>
      </View>
      <ErrorNote error={query.error ?? pay.error} />
      {found?.length === 0 ? <View className='empty'>{t('暂无记录')}</View> : null}
      {found?.map((v) => (
        <View className='card' key={v.record_id} data-test='violation'>
          <Text className='row-title'>{v.description}</Text>
          <Text className='row-note'>
            {v.place} · {v.points} 分
          </Text>
          {v.payable ? (
            <Tap kind='primary' small onTap={() => void pay.run(v.decision_no)} busy={pay.busy} test={`pay-${v.decision_no}`}>
              {t('缴费')} {yuan(v.total_fen)}
            </Tap>
          ) : (
            <Text>{v.state}</Text>
          )}
        </View>
      ))}
    </Screen>
  )
}
