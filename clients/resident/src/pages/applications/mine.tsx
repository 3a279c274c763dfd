import { Loadable, Row, Screen } from '../../components/ui'
import { call } from '../../lib/api'
import type { Page } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { go, requireSignIn } from '../../lib/nav'
import { useAsync } from '../../lib/useAsync'

interface ApplicationSummary {
  application_no: string
  item_name: string
  state_name: string
  overdue: boolean
}

export default function MyApplications() {
  const signed = requireSignIn()
  const list = useAsync(async () => (signed ? (await call<Page<ApplicationSummary>>('applications', 'mine', {})).items : []))
  return (
    <Screen title={t('我的办件')}>
      <Loadable loaded={list} empty={list.data?.length === 0}>
        {(found) =>
          found.map((a) => (
            <Row
              key={a.application_no}
              title={a.item_name}
              note={`${a.application_no} · ${a.state_name}`}
              test='application'
              onTap={() => go(`pages/applications/detail?no=${a.application_no}`)}
            />
          ))
        }
      </Loadable>
    </Screen>
  )
}
