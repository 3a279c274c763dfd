// Sign-in: the platform's own in the mini-programs (wx.login / my.getAuthCode), phone and SMS
// code in a browser. Inside WeChat's browser the official account's OAuth sign-in has already
// put the tokens in the URL fragment (app.ts takes them), so this page is not shown there.
import { View } from '@tarojs/components'
import { useEffect, useState } from 'react'

import { ErrorNote, Field, Screen, Tap } from '../../components/ui'
import { GovError, requestCode, signInWithCode, signInWithPlatform } from '../../lib/api'
import { t } from '../../lib/i18n'
import { mobile } from '../../lib/money'
import { param, replace } from '../../lib/nav'
import { useAction } from '../../lib/useAsync'

function back(): void {
  replace(param('next') || 'pages/index/index')
}

export default function Login() {
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  const [wait, setWait] = useState(0)
  useEffect(() => {
    if (wait <= 0) return
    const timer = setTimeout(() => setWait(wait - 1), 1000)
    return () => clearTimeout(timer)
  }, [wait])
  const send = useAction(async () => {
    const number = mobile(phone)
    if (!number) throw new GovError('PHONE_INVALID', t('请输入正确的手机号'))
    const sent = await requestCode(number)
    setWait(sent.resend_after)
  })
  const login = useAction(async () => {
    const number = mobile(phone)
    if (!number) throw new GovError('PHONE_INVALID', t('请输入正确的手机号'))
    await signInWithCode(number, code.trim())
    back()
  })
  const platform = useAction(async () => {
    await signInWithPlatform()
    back()
  })
  const mini = process.env.TARO_ENV !== 'h5'
  return (
    <Screen title={t('登录')}>
      {mini ? (
        <Tap kind='primary' block onTap={() => void platform.run()} busy={platform.busy} test='platform-login'>
          {t('登录')}
        </Tap>
      ) : null}
      <View className='form'>
        <Field name='phone' type='number' maxlength={11} label={t('手机号')} value={phone} onInput={setPhone} />
        <View className='inline'>
          <Field name='code' type='number' maxlength={6} label={t('验证码')} value={code} onInput={setCode} />
          <Tap small onTap={() => void send.run()} busy={send.busy} disabled={wait > 0} test='send-code'>
            {wait > 0 ? `${wait}${t('秒后重发')}` : t('获取验证码')}
          </Tap>
        </View>
        <ErrorNote error={send.error ?? login.error ?? platform.error} />
        <Tap kind='primary' block onTap={() => void login.run()} busy={login.busy} disabled={code.trim().length < 4} test='login'>
          {t('登录')}
        </Tap>
      </View>
    </Screen>
  )
}
