// 诉求详情: a case's state, who handles it and by when, the answer, and every step taken; the
// resident withdraws it before the answer, then confirms it or, once, asks again with a reason.
import { Text, View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Loadable, Screen, Section, Tap, TextBox } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import { type CaseView, KINDS, lastDay, nextMoves, STATES, STEPS } from '../../lib/consultations'
import { t } from '../../lib/i18n'
import { param, requireSignIn } from '../../lib/nav'
import { dayAndClock } from '../../lib/time'
import { useAction, useAsync } from '../../lib/useAsync'

const KIND = Object.fromEntries(KINDS)

export default function CaseDetail() {
  const signed = requireSignIn()
  const no = param('no')
  const view = useAsync(() => (signed ? call<CaseView>('consultations', 'detail', { case_no: no }) : Promise.reject()), [no])
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState('')
  const act = useAction(async (move: string, extra: object = {}) => {
    await call('consultations', move, { case_no: no, ...extra }, { key: newKey() })
    setAsking(false)
    setReason('')
    view.reload()
  })
  return (
    <Screen title={t('诉求详情')}>
      <Loadable loaded={view}>
        {(c) => {
          const moves = nextMoves(c)
          return (
            <View className='card' data-test='case-detail'>
              <Text className='row-title'>{c.title}</Text>
              <Text>
                {t(KIND[c.kind])} · {c.case_no} · <Text data-test='case-state'>{t(STATES[c.state])}</Text>
              </Text>
              <Text>
                {t('受理部门')}：<Text data-test='case-department'>{c.department_name}</Text>
              </Text>
              {c.state === 'submitted' || c.state === 'reopened' ? (
                <Text className={c.overdue ? 'error' : undefined}>
                  {t('答复期限')}：{lastDay(c.due_at)}
                  {c.overdue ? ` · ${t('已超期')}` : ''}
                </Text>
              ) : null}
              <Text className='row-note'>{c.text}</Text>
              {c.answer ? (
                <Section title={t('答复')}>
                  <View className='line'>
                    <Text data-test='case-answer'>{c.answer}</Text>
                    {c.answered_at ? <Text className='row-note'>{dayAndClock(c.answered_at)}</Text> : null}
                  </View>
                </Section>
              ) : null}
              <View className='actions'>
                {moves.includes('confirm') ? (
                  <Tap kind='primary' onTap={() => void act.run('confirm')} busy={act.busy} test='confirm'>
                    {t('满意并结束')}
                  </Tap>
                ) : null}
                {moves.includes('reopen') && !asking ? (
                  <Tap onTap={() => setAsking(true)} test='reopen'>
                    {t('不满意，重新提交')}
                  </Tap>
                ) : null}
                {moves.includes('withdraw') ? (
                  <Tap kind='danger' onTap={() => void act.run('withdraw')} busy={act.busy} test='withdraw'>
                    {t('撤回')}
                  </Tap>
                ) : null}
              </View>
              {asking && moves.includes('reopen') ? (
                <View className='form' data-test='reopen-form'>
                  {c.reopen_until ? (
                    <Text className='row-note'>
                      {t('仅可重新提交一次，截止')} {dayAndClock(c.reopen_until)}
                    </Text>
                  ) : null}
                  <TextBox name='reason' label={t('不满意的原因')} value={reason} onInput={setReason} maxlength={1000} />
                  <Tap kind='primary' block onTap={() => void act.run('reopen', { reason: reason.trim() })} busy={act.busy} disabled={reason.trim().length < 2} test='send-reopen'>
                    {t('重新提交')}
                  </Tap>
                </View>
              ) : null}
              <ErrorNote error={act.error} />
              <Section title={t('办理过程')}>
                {c.timeline.map((entry) => (
                  <View className='line' key={`${entry.at}-${entry.move}`} data-test='case-step'>
                    <Text>
                      {dayAndClock(entry.at)} {STEPS[entry.move] ? t(STEPS[entry.move]) : entry.move} · {entry.department_name}
                    </Text>
                    {entry.text ? <Text className='row-note'>{entry.text}</Text> : null}
                  </View>
                ))}
              </Section>
            </View>
          )
        }}
      </Loadable>
    </Screen>
  )
}
