// 我的诉求: my consultations, complaints and suggestions, newest first.
import { Loadable, Row, Screen, Tap } from '../../components/ui'
import { call } from '../../lib/api'
import type { Page } from '../../lib/catalog'
import { type CaseSummary, KINDS, STATES } from '../../lib/consultations'
import { t } from '../../lib/i18n'
import { go, requireSignIn } from '../../lib/nav'
import { useAsync } from '../../lib/useAsync'

const KIND = Object.fromEntries(KINDS)

export default function MyCases() {
  const signed = requireSignIn()
  const list = useAsync(async () => (signed ? (await call<Page<CaseSummary>>('consultations', 'mine', {})).items : []))
  return (
    <Screen title={t('我的诉求')}>
      <Loadable loaded={list} empty={list.data?.length === 0}>
        {(found) =>
          found.map((c) => (
            <Row
              key={c.case_no}
              title={c.title}
              note={`${t(KIND[c.kind])} · ${c.department_name} · ${t(STATES[c.state])}${c.overdue ? ` · ${t('已超期')}` : ''}`}
              test='case'
              onTap={() => go(`pages/consultations/detail?no=${c.case_no}`)}
            />
          ))
        }
      </Loadable>
      <Tap kind='primary' block onTap={() => go('pages/consultations/new')} test='new-case'>
        {t('我要咨询投诉')}
      </Tap>
    </Screen>
  )
}
