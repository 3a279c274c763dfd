// 实名认证: name and ID number, checked by the verifier; the tokens are renewed at once so the
// new level counts on the very next call (booking needs it).
import { View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Field, Screen, Tap } from '../../components/ui'
import { call, newKey, refreshTokens } from '../../lib/api'
import { t } from '../../lib/i18n'
import { param, replace, requireSignIn } from '../../lib/nav'
import { useAction } from '../../lib/useAsync'

export default function RealName() {
  requireSignIn()
  const [name, setName] = useState('')
  const [idNumber, setIdNumber] = useState('')
  const verify = useAction(async () => {
    await call('account', 'verify-real-name', { name: name.trim(), id_number: idNumber.trim().toUpperCase() }, { key: newKey() })
    await refreshTokens()
    replace(param('next') || 'pages/me/index')
  })
  return (
    <Screen title={t('实名认证')}>
      <View className='form'>
        <Field name='name' label={t('姓名')} value={name} onInput={setName} maxlength={30} />
        <Field name='id_number' type='idcard' label={t('身份证号')} value={idNumber} onInput={setIdNumber} maxlength={18} />
        <ErrorNote error={verify.error} />
        <Tap kind='primary' block onTap={() => void verify.run()} busy={verify.busy} disabled={!name.trim() || idNumber.trim().length !== 18} test='verify'>
          {t('提交')}
        </Tap>
      </View>
    </Screen>
  )
}
