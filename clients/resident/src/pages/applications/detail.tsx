// One application's progress (办件进度): its state and every move, newest last; its fee, and
// 去缴费 once the department asks for it (the payment flow every fee uses, lib/pay.ts).
import { Text, View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Loadable, Screen, Section, Tap } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import { t } from '../../lib/i18n'
import { type Fee, feeStateLabel, mayPay, moveName } from '../../lib/fees'
import { yuan } from '../../lib/money'
import { go, param, requireSignIn } from '../../lib/nav'
import { type PaymentStart, paymentPage, startPayment } from '../../lib/pay'
import { ratePath } from '../../lib/ratings'
import { dayAndClock } from '../../lib/time'
import { useAction, useAsync } from '../../lib/useAsync'

// Handled (办结 or 不予受理/批准): the resident may rate it (services/ratings/matters.py).
const RATEABLE = ['completed', 'rejected']

interface ApplicationView {
  application_no: string
  item_name: string
  state: string
  state_name: string
  supplement_reason: string | null
  due_at: string | null
  moves: string[]
  fee: Fee | null
  timeline: { move: string; to_state: string; reason: string | null; at: string }[]
}

export default function ApplicationDetail() {
  const signed = requireSignIn()
  const no = param('no')
  const view = useAsync(() => (signed ? call<ApplicationView>('applications', 'detail', { application_no: no }) : Promise.reject()), [no])
  const withdraw = useAction(async () => {
    await call('applications', 'withdraw', { application_no: no }, { key: newKey() })
    view.reload()
  })
  const [payKey] = useState(newKey())
  const pay = useAction(async () => {
    const amount = view.data?.fee?.amount_fen
    const paid = await call<{ payment: PaymentStart }>('applications', 'pay', { application_no: no, amount_fen: amount }, { key: payKey })
    await startPayment(paid.payment)
  })
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
            {a.fee ? (
              <View data-test='fee' data-state={a.fee.state}>
                <Text>
                  {t('办件费用')} <Text className='amount'>{yuan(a.fee.amount_fen)}</Text> ·{' '}
                  <Text data-test='fee-state'>{t(feeStateLabel(a.fee.state))}</Text>
                </Text>
                {a.fee.refunded_fen > 0 ? (
                  <Text className='row-note'>
                    {t('已退款')} {yuan(a.fee.refunded_fen)}
                  </Text>
                ) : null}
              </View>
            ) : null}
            <View className='actions'>
              {mayPay(a.fee, a.moves) ? (
                <Tap kind='primary' onTap={() => void pay.run()} busy={pay.busy} test='pay-fee'>
                  {t('去缴费')}
                </Tap>
              ) : null}
              {a.fee?.out_trade_no && !mayPay(a.fee, a.moves) ? (
                <Tap onTap={() => go(paymentPage(a.fee?.out_trade_no ?? ''))} test='fee-payment'>
                  {t('支付结果')}
                </Tap>
              ) : null}
              {a.moves.includes('submit') || a.moves.includes('resubmit') ? (
                <Tap kind='primary' onTap={() => go(`pages/applications/apply?no=${a.application_no}`)} test='continue'>
                  {a.moves.includes('resubmit') ? t('去补正') : t('继续填写')}
                </Tap>
              ) : null}
              {a.moves.includes('withdraw') ? (
                <Tap kind='danger' onTap={() => void withdraw.run()} busy={withdraw.busy} test='withdraw'>
                  {t('撤回申请')}
                </Tap>
              ) : null}
              {RATEABLE.includes(a.state) ? (
                <Tap kind='primary' onTap={() => go(ratePath({ kind: 'application', reference: a.application_no }))} test='rate'>
                  {t('评价')}
                </Tap>
              ) : null}
            </View>
            <ErrorNote error={withdraw.error ?? pay.error} />
            <Section title={t('办理流程')}>
              {a.timeline.map((entry) => (
                <Text className='line' key={`${entry.at}-${entry.move}`}>
                  {dayAndClock(entry.at)} {t(moveName(entry.move))}
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
