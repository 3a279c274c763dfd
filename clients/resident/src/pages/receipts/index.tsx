import { Loadable, Row, Screen } from '../../components/ui'
import { call } from '../../lib/api'
import { type Page, rows } from '../../lib/catalog'
import { t } from '../../lib/i18n'
import { yuan } from '../../lib/money'
import { go, requireSignIn } from '../../lib/nav'
import { dayAndClock } from '../../lib/time'
import { useAsync } from '../../lib/useAsync'

export interface Receipt {
  receipt_no: string
  company_name: string
  account_no: string
  holder: string
  items: { bill_id: string; period: string; amount_fen: number }[]
  amount_fen: number
  confirmation_no: string | null
  issued_at: string
  print_url?: string | null
}

export default function Receipts() {
  const signed = requireSignIn()
  const list = useAsync(async () => (signed ? rows(await call<Page<Receipt> | Receipt[]>('bills', 'receipts', {})) : []))
  return (
    <Screen title={t('缴费记录')}>
      <Loadable loaded={list} empty={list.data?.length === 0}>
        {(found) =>
          found.map((r) => (
            <Row
              key={r.receipt_no}
              title={`${r.company_name} ${yuan(r.amount_fen)}`}
              note={dayAndClock(r.issued_at)}
              test='receipt'
              onTap={() => go(`pages/receipts/detail?no=${r.receipt_no}`)}
            />
          ))
        }
      </Loadable>
    </Screen>
  )
}
