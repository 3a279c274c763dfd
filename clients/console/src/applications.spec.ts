import { describe, expect, it } from 'vitest'
import { actParams, actorLabel, answerRows, canSend, dateTime, feeText, inboxParams, moveButtons, moveLabel } from './applications'

describe('the review buttons', () => {
  it('offers what the server allows, in the order a reviewer works', () => {
    const submitted = moveButtons(['accept', 'request_supplement', 'reject'])
    expect(submitted.map((b) => b.label)).toEqual(['受理', '要求补正', '不予受理/不予批准'])
    expect(moveButtons(['request_supplement', 'approve', 'reject']).map((b) => b.move)).toEqual([
      'approve',
      'request_supplement',
      'reject',
    ])
    expect(moveButtons(['complete']).map((b) => b.label)).toEqual(['办结'])
    expect(moveButtons([])).toEqual([])
  })

  it('keeps a move of an item’s own workflow under its name', () => {
    expect(moveButtons(['accept', 'countersign']).map((b) => b.label)).toEqual(['受理', 'countersign'])
  })

  it('needs a reason for 补正 and refusals only', () => {
    const [supplement] = moveButtons(['request_supplement'])
    const [accept] = moveButtons(['accept'])
    expect(canSend(supplement, '  ')).toBe(false)
    expect(canSend(supplement, '身份证照片不清晰')).toBe(true)
    expect(canSend(accept, '')).toBe(true)
  })

  it('sends the comment as the reason, and no reason when blank', () => {
    expect(actParams('SQ1', 'accept', '  ')).toEqual({ application_no: 'SQ1', move: 'accept' })
    expect(actParams('SQ1', 'reject', ' 不符合条件 ')).toEqual({
      application_no: 'SQ1',
      move: 'reject',
      reason: '不符合条件',
    })
  })

  it('names the resident’s moves on the timeline', () => {
    expect(moveLabel('resubmit')).toBe('补正后重新提交')
    expect(moveLabel('accept')).toBe('受理')
  })
})

describe('the inbox', () => {
  it('asks for every state unless one is chosen, and for overdue ones when ticked', () => {
    expect(inboxParams('', false)).toEqual({ limit: 50 })
    expect(inboxParams('accepted', true, '42')).toEqual({ limit: 50, state: 'accepted', overdue: true, cursor: '42' })
  })

  it('shows times on the local clock', () => {
    const at = new Date(2026, 11, 1, 9, 5)
    expect(dateTime(at.toISOString())).toBe('2026-12-01 09:05')
    expect(dateTime(null)).toBe('')
  })
})

describe('the answers', () => {
  it('follows the form’s field order and titles, then any other answer', () => {
    const rows = answerRows(
      { address: '湖滨南路 1 号', mother_name: '王芳', extra: ['a', 'b'], married: true },
      { mother_name: '母亲姓名', address: '联系地址', note: '备注' },
    )
    expect(rows).toEqual([
      { field: 'mother_name', title: '母亲姓名', value: '王芳' },
      { field: 'address', title: '联系地址', value: '湖滨南路 1 号' },
      { field: 'extra', title: 'extra', value: 'a、b' },
      { field: 'married', title: 'married', value: '是' },
    ])
  })
})

describe('the fee', () => {
  const fee = { amount_fen: 1000, state: 'paid' as const, out_trade_no: 'GH1', paid_at: null, refunded_fen: 0 }

  it('shows the amount and how far its payment went', () => {
    expect(feeText(fee)).toBe('¥10.00 · 已缴费')
    expect(feeText({ ...fee, state: 'due', out_trade_no: null })).toBe('¥10.00 · 待缴费')
    expect(feeText({ ...fee, refunded_fen: 300 })).toBe('¥10.00 · 已缴费（已退 ¥3.00）')
    expect(feeText(null)).toBe('免费')
  })

  it('names the system’s moves on the timeline', () => {
    expect(moveLabel('request_payment')).toBe('通知缴费')
    expect(moveLabel('pay')).toBe('缴费成功')
    expect(actorLabel('system')).toBe('系统')
  })
})
