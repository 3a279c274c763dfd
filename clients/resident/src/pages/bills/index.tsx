// Water, electricity and gas: my accounts with what is due and a pay button each; binding a new
// account, or paying one without binding it (`kind` and `account` may come in the link).
import { Text, View } from '@tarojs/components'
import { useState } from 'react'

import { ErrorNote, Field, Loadable, Screen, Section, Tap } from '../../components/ui'
import { call, newKey } from '../../lib/api'
import { type Page, rows } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { yuan } from '../../lib/money'
import { go, param, requireSignIn } from '../../lib/nav'
import { type PaymentStart, startPayment } from '../../lib/pay'
import { useAction, useAsync } from '../../lib/useAsync'

type Kind = 'water' | 'electricity' | 'gas'
const KINDS: [Kind, string][] = [
  ['water', '水费'],
  ['electricity', '电费'],
  ['gas', '燃气费'],
]

interface Account {
  id: number
  kind: Kind
  company_name: string
  account_no: string
  alias: string | null
  holder: string
}

interface Arrears {
  account_no: string
  holder: string
  company_name: string
  bills: { bill_id: string; period: string; amount_fen: number; overdue: boolean }[]
  payable_fen: number
}

type Target = { account_id: number } | { kind: Kind; account_no: string }

function Due({ target, test }: { target: Target; test: string }) {
  const [key] = useState(newKey())
  const due = useAsync(() => call<Arrears>('bills', 'arrears', target), [JSON.stringify(target)])
  const pay = useAction(async () => {
    const paid = await call<{ payment: PaymentStart }>('bills', 'pay', target, { key })
    await startPayment(paid.payment)
  })
  return (
    <Loadable loaded={due}>
      {(found) => (
        <View>
          {found.bills.map((bill) => (
            <Text className='line' key={bill.bill_id}>
              {bill.period} {yuan(bill.amount_fen)}
            </Text>
          ))}
          {found.payable_fen > 0 ? (
            <Tap kind='primary' onTap={() => void pay.run()} busy={pay.busy} test={test} label={`${t('缴费')} ${yuan(found.payable_fen)}`}>
              {t('缴费')} {yuan(found.payable_fen)}
            </Tap>
          ) : (
            <Text>{t('无欠费')}</Text>
          )}
          <ErrorNote error={pay.error} />
        </View>
      )}
    </Loadable>
  )
}

export default function Bills() {
  const signed = requireSignIn()
  const accounts = useAsync(async () => (signed ? rows(await call<Page<Account> | Account[]>('bills', 'my-accounts', {})) : []))
  const [kind, setKind] = useState<Kind>((param('kind') as Kind) || 'water')
  const [accountNo, setAccountNo] = useState(param('account'))
  const [proof, setProof] = useState('')
  const [lookup, setLookup] = useState<Target | null>(null)
  const bind = useAction(async () => {
    const digits = /^\d{4}$/.test(proof.trim())
    await call(
      'bills',
      'bind',
      { kind, account_no: accountNo.trim(), ...(digits ? { phone_last4: proof.trim() } : { holder_name: proof.trim() }) },
      { key: newKey() },
    )
    setAccountNo('')
    setProof('')
    accounts.reload()
  })
  return (
    <Screen title={t('生活缴费')}>
      <Section title={t('我的账户')}>
        <Loadable loaded={accounts} empty={accounts.data?.length === 0}>
          {(list) =>
            list.map((account) => (
              <View className='card' key={account.id} data-test='bill-account'>
                <Text className='row-title'>
                  {t(KINDS.find(([k]) => k === account.kind)?.[1] ?? '')} · {account.alias ?? account.account_no}
                </Text>
                <Text className='row-note'>
                  {account.company_name} · {account.holder}
                </Text>
                <Due target={{ account_id: account.id }} test={`pay-${account.account_no}`} />
              </View>
            ))
          }
        </Loadable>
      </Section>
      <Section title={t('绑定户号')}>
        <View className='chips'>
          {KINDS.map(([k, label]) => (
            <Tap small key={k} kind={k === kind ? 'primary' : 'default'} onTap={() => setKind(k)} test={`kind-${k}`}>
              {t(label)}
            </Tap>
          ))}
        </View>
        <Field name='account_no' label={t('户号')} value={accountNo} onInput={setAccountNo} />
        <Field name='proof' label={`${t('户主姓名')} ${t('或 户主手机后四位')}`} value={proof} onInput={setProof} />
        <ErrorNote error={bind.error} />
        <View className='actions'>
          <Tap kind='primary' onTap={() => void bind.run()} busy={bind.busy} disabled={!accountNo.trim() || !proof.trim()} test='bind'>
            {t('绑定')}
          </Tap>
          <Tap onTap={() => setLookup({ kind, account_no: accountNo.trim() })} disabled={!accountNo.trim()} test='lookup'>
            {t('查询欠费')}
          </Tap>
        </View>
        {lookup ? <Due target={lookup} test='pay-lookup' /> : null}
      </Section>
      <View className='actions'>
        <Tap small onTap={() => go('pages/receipts/index')} test='receipts'>
          {t('缴费记录')}
        </Tap>
        <Tap small onTap={() => go('pages/traffic/index')}>
          {t('交通罚款')}
        </Tap>
      </View>
    </Screen>
  )
}
