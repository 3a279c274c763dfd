// 咨询投诉: a consultation, complaint or suggestion to a department, or about a service item (its
// handling department answers). 提交 opens the case in place of this page; a retried tap sends
// the same key, so one case is written however often it is pressed.
import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'

import { ErrorNote, Field, Loadable, Row, Screen, Section, Tap, TextBox } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import type { ItemDetail } from '../../lib/catalog'
import { type CaseView, type Contact, CONTACTS, kindOf, KINDS } from '../../lib/consultations'
import { t } from '../../lib/i18n'
import { go, param, replace, requireSignIn } from '../../lib/nav'
import { useAction, useAsync } from '../../lib/useAsync'

interface Department {
  code: string
  name: string
}

async function load(item: string): Promise<{ item: ItemDetail | null; departments: Department[] }> {
  if (item) return { item: await call<ItemDetail>('catalog', 'item', { code: item }), departments: [] }
  return { item: null, departments: await call<Department[]>('catalog', 'departments', {}) }
}

export default function NewCase() {
  const signed = requireSignIn()
  const item = param('item')
  const target = useAsync(() => (signed ? load(item) : Promise.reject()), [item])
  const [kind, setKind] = useState(kindOf(param('kind')))
  const [department, setDepartment] = useState('')
  const [title, setTitle] = useState('')
  const [text, setText] = useState('')
  const [contact, setContact] = useState<Contact>('message')
  const key = useMemo(newKey, [kind, department, title, text, contact])
  const ready = title.trim().length >= 2 && text.trim().length >= 5 && Boolean(item || department)
  const submit = useAction(async () => {
    const to = item ? { item } : { department }
    const view = await call<CaseView>('consultations', 'submit', { kind, ...to, title: title.trim(), text: text.trim(), contact }, { key })
    replace(`pages/consultations/detail?no=${view.case_no}`)
  })
  return (
    <Screen title={t('咨询投诉')}>
      <Loadable loaded={target}>
        {(found) => (
          <View className='form' data-test='new-case'>
            <View className='chips'>
              {KINDS.map(([code, label]) => (
                <Tap key={code} small kind={kind === code ? 'primary' : 'default'} onTap={() => setKind(code)} test={`kind-${code}`}>
                  {t(label)}
                </Tap>
              ))}
            </View>
            {found.item ? (
              <Text className='row-note' data-test='about-item'>
                {t('关于')}：{found.item.name}
              </Text>
            ) : (
              <Section title={t('受理部门')}>
                <View className='chips'>
                  {found.departments.map((d) => (
                    <Tap key={d.code} small kind={department === d.code ? 'primary' : 'default'} onTap={() => setDepartment(d.code)} test={`department-${d.code}`}>
                      {d.name}
                    </Tap>
                  ))}
                </View>
              </Section>
            )}
            <Field name='title' label={t('标题')} value={title} onInput={setTitle} maxlength={100} />
            <TextBox name='text' label={t('具体内容')} value={text} onInput={setText} maxlength={4000} />
            <View className='field'>
              <Text className='field-label'>{t('答复方式')}</Text>
              <View className='chips'>
                {CONTACTS.map(([code, label]) => (
                  <Tap key={code} small kind={contact === code ? 'primary' : 'default'} onTap={() => setContact(code)} test={`contact-${code}`}>
                    {t(label)}
                  </Tap>
                ))}
              </View>
            </View>
            <Row title={t('先看常见问题')} test='faq' onTap={() => go('pages/consultations/faq')} />
            <ErrorNote error={submit.error} />
            <Tap kind='primary' block onTap={() => void submit.run()} busy={submit.busy} disabled={!ready} test='submit'>
              {t('提交')}
            </Tap>
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
