// 在线办理: the item's form with every answer and material the materials library already holds
// in place, so the resident only confirms and adds what is new; 提交 starts the application (or
// continues a draft or a 补正), saves, attaches and submits in one tap. A failure midway keeps
// the draft: tapping again carries on with the same application.
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'

import { ErrorNote, Field, Loadable, Screen, Section, Tap } from '../../components/ui'
import { call, GovError, newKey, uploadFile } from '../../lib/api'
import { type Answers, answersToSend, fieldsOf, type FormSchema, type MaterialNeed, materialsMissing, problems, startingAnswers } from '../../lib/forms'
import { t } from '../../lib/i18n'
import { go, param, replace, requireSignIn } from '../../lib/nav'
import { useAction, useAsync } from '../../lib/useAsync'

interface FormView {
  item_code: string
  title: string
  form_schema: FormSchema
  materials: MaterialNeed[]
  prefill: Record<string, unknown>
}

interface Draft {
  application_no: string
  item_code: string
  data: Record<string, unknown>
  materials: { code: string }[]
  supplement_reason: string | null
}

interface Picked {
  path: string
  name: string
}

async function load(item: string, no: string): Promise<{ form: FormView; draft: Draft | null }> {
  const draft = no ? await call<Draft>('applications', 'detail', { application_no: no }) : null
  const form = await call<FormView>('applications', 'form', { item_code: draft?.item_code ?? item })
  return { form, draft }
}

export default function Apply() {
  const signed = requireSignIn()
  const item = param('item')
  const no = param('no')
  const loaded = useAsync(() => (signed ? load(item, no) : Promise.reject(new GovError('LOGIN_REQUIRED', t('请先登录')))), [item, no])
  const fields = loaded.data ? fieldsOf(loaded.data.form.form_schema) : []
  const [answers, setAnswers] = useState<Answers>({})
  const [picked, setPicked] = useState<Record<string, Picked>>({})
  const [notice, setNotice] = useState<string[]>([])
  const application = useRef<string>(no)
  const startKey = useRef(newKey())

  useEffect(() => {
    if (loaded.data) setAnswers(startingAnswers(fields, loaded.data.draft?.data ?? {}, loaded.data.form.prefill))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded.data])

  const pick = useAction(async (code: string) => {
    // A phone browser's own file picker already offers the camera: no extra menu on H5.
    const sourceType: ('album' | 'camera')[] = process.env.TARO_ENV === 'h5' ? ['album'] : ['album', 'camera']
    let chosen: Taro.chooseImage.SuccessCallbackResult
    try {
      chosen = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType })
    } catch (error) {
      if (/cancel/i.test(String((error as { errMsg?: string })?.errMsg ?? error))) return
      throw new GovError('CLIENT_ERROR', `${t('无法选择图片')}：${String((error as { errMsg?: string })?.errMsg ?? error)}`)
    }
    if (!chosen.tempFilePaths?.[0]) throw new GovError('CLIENT_ERROR', t('无法读取该图片，请换一张'))
    const file = chosen.tempFiles?.[0] as { originalFileObj?: { name?: string } } | undefined
    setPicked((now) => ({ ...now, [code]: { path: chosen.tempFilePaths[0], name: file?.originalFileObj?.name ?? `${code}.jpg` } }))
  })

  const submit = useAction(async () => {
    if (!loaded.data) return
    const { form, draft } = loaded.data
    const missing = [...problems(fields, answers), ...materialsMissing(form.materials, draft?.materials.map((m) => m.code) ?? [], Object.keys(picked))]
    setNotice(missing)
    if (missing.length) return
    if (!application.current) {
      try {
        const started = await call<Draft>('applications', 'start', { item_code: form.item_code }, { key: startKey.current })
        application.current = started.application_no
      } catch (error) {
        if (error instanceof GovError && error.code === 'REAL_NAME_REQUIRED') {
          go(`pages/me/real-name?next=${encodeURIComponent(`pages/applications/apply?item=${form.item_code}`)}`)
          return
        }
        throw error
      }
    }
    const applicationNo = application.current
    await call('applications', 'save', { application_no: applicationNo, data: answersToSend(fields, answers) }, { key: newKey() })
    for (const [code, file] of Object.entries(picked)) {
      const stored = await uploadFile(file.path, file.name)
      await call('applications', 'attach', { application_no: applicationNo, material_code: code, file_id: stored.file_id }, { key: newKey() })
    }
    await call('applications', 'submit', { application_no: applicationNo }, { key: newKey() })
    replace(`pages/applications/detail?no=${applicationNo}`)
  })

  return (
    <Screen title={loaded.data?.form.title ?? t('在线办理')}>
      <Loadable loaded={loaded}>
        {({ form, draft }) => (
          <View className='form' data-test='apply'>
            {draft?.supplement_reason ? (
              <Text className='error' data-test='supplement-reason'>
                {t('需补正')}：{draft.supplement_reason}
              </Text>
            ) : null}
            <Section title={t('填写信息')}>
              {fields.map((field) =>
                field.kind === 'choice' ? (
                  <View className='field' key={field.name} data-test={`choice-${field.name}`}>
                    <Text className='field-label'>{field.label}</Text>
                    <View className='actions'>
                      {field.choices.map((choice) => (
                        <Tap key={choice} small kind={answers[field.name] === choice ? 'primary' : 'default'} onTap={() => setAnswers({ ...answers, [field.name]: choice })} test={`choose-${field.name}-${choice}`}>
                          {choice}
                        </Tap>
                      ))}
                    </View>
                  </View>
                ) : (
                  <Field
                    key={field.name}
                    name={field.name}
                    label={field.required ? field.label : `${field.label}（${t('选填')}）`}
                    placeholder={field.kind === 'date' ? 'YYYY-MM-DD' : undefined}
                    value={answers[field.name] ?? ''}
                    maxlength={field.maxLength}
                    onInput={(value) => setAnswers({ ...answers, [field.name]: value })}
                  />
                ),
              )}
            </Section>
            <Section title={t('申请材料')}>
              {form.materials.map((need) => {
                const attached = draft?.materials.some((m) => m.code === need.code)
                return (
                  <View className='line' key={need.code} data-test={`material-${need.code}`}>
                    <Text>
                      {need.name}
                      {need.required ? `（${t('必需')}）` : ''}
                    </Text>
                    {need.in_library || attached ? (
                      <Text className='row-note' data-test='in-library'>
                        {need.in_library ? t('材料库已有，无需再传') : t('已上传')}
                      </Text>
                    ) : (
                      <Tap small onTap={() => void pick.run(need.code)} test={`pick-${need.code}`}>
                        {picked[need.code] ? `${t('已选择')}：${picked[need.code].name}` : t('拍照或选择图片')}
                      </Tap>
                    )}
                  </View>
                )
              })}
            </Section>
            {notice.length ? (
              <Text className='error' data-test='missing'>
                {t('还需填写或上传')}：{notice.join('、')}
              </Text>
            ) : null}
            <ErrorNote error={pick.error ?? submit.error} />
            <Tap kind='primary' block onTap={() => void submit.run()} busy={submit.busy} test='submit'>
              {t('提交申请')}
            </Tap>
          </View>
        )}
      </Loadable>
    </Screen>
  )
}
