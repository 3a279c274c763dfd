// 评价 one handled matter on one screen: five large grade chips, the chosen grade's reasons,
// optional words, submit. A retried tap sends the same idempotency key, so it rates once.
import { Text, Textarea, View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Loadable, Screen, Section, Tap } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import { named, t } from '../../lib/i18n'
import { param, replace, requireSignIn } from '../../lib/nav'
import { type Grade, bestFirst, gradeColour, keptReasons, rateParams, reasonsOf, toggled } from '../../lib/ratings'
import { useAction, useAsync } from '../../lib/useAsync'

const COMMENT_MAX = 500

export default function Rate() {
  requireSignIn()
  const matter = { kind: param('kind'), reference: param('ref') }
  const [level, setLevel] = useState<number | null>(null)
  const [picked, setPicked] = useState<string[]>([])
  const [comment, setComment] = useState('')
  const [key] = useState(newKey())
  const grades = useAsync(() => call<Grade[]>('ratings', 'grades'))
  const choose = (next: number) => {
    setPicked(keptReasons(grades.data ?? [], next, picked))
    setLevel(next)
  }
  const submit = useAction(async () => {
    if (level === null) return
    const rated = await call<{ rating_no: string }>('ratings', 'rate', rateParams(matter, grades.data ?? [], level, picked, comment), { key })
    replace(`pages/ratings/mine?rated=${rated.rating_no}`)
  })
  if (!matter.kind || !matter.reference) {
    return (
      <Screen title={t('评价')}>
        <View className='empty'>{t('未指明要评价的事项')}</View>
      </Screen>
    )
  }
  return (
    <Screen title={t('评价')}>
      <Loadable loaded={grades}>
        {(list) => (
          <View className='form' data-test='rate-form'>
            <Section title={t('您对本次办事满意吗')}>
              <View className='grades' role='radiogroup'>
                {bestFirst(list).map((g) => (
                  <View key={g.level} className='grade'>
                    <Tap block kind={g.level === level ? 'primary' : 'default'} onTap={() => choose(g.level)} label={named(g)} test={`grade-${g.level}`}>
                      <Text className='grade-label' style={g.level === level ? undefined : { color: gradeColour(g.level) }}>
                        {named(g)}
                      </Text>
                    </Tap>
                  </View>
                ))}
              </View>
            </Section>
            {level !== null ? (
              <Section title={t('原因（可多选）')}>
                <View className='chips'>
                  {reasonsOf(list, level).map((r) => (
                    <Tap
                      key={r.code}
                      kind={picked.includes(r.code) ? 'primary' : 'default'}
                      onTap={() => setPicked(toggled(picked, r.code))}
                      label={`${named(r)}${picked.includes(r.code) ? `，${t('已选择')}` : ''}`}
                      test={`reason-${r.code}`}
                    >
                      {named(r)}
                    </Tap>
                  ))}
                </View>
              </Section>
            ) : null}
            <Section title={`${t('其他意见')}（${t('选填')}）`}>
              <Textarea
                className='field-input comment'
                name='comment'
                value={comment}
                maxlength={COMMENT_MAX}
                placeholder={t('请写下您的意见或建议')}
                aria-label={t('其他意见')}
                onInput={(event) => setComment(event.detail.value)}
              />
            </Section>
            <ErrorNote error={submit.error} />
            <Tap kind='primary' block onTap={() => void submit.run()} busy={submit.busy} disabled={level === null} test='submit'>
              {t('提交评价')}
            </Tap>
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
