import { describe, expect, it } from 'vitest'

import { accountState, scopeLabel, scopeParams, type StaffAccount } from './staff'

const account: StaffAccount = {
  id: 1,
  username: 'clerk',
  display_name: '窗口',
  active: true,
  locked_until: null,
  last_login_at: null,
  assignments: [],
}

describe('staff accounts', () => {
  it('names a scope, or everywhere', () => {
    expect(scopeLabel({ region_code: null, department_id: null, hall_id: null })).toBe('全部范围')
    expect(scopeLabel({ region_code: '350203', department_id: null, hall_id: 2 })).toBe('区划 350203 · 大厅 #2')
  })

  it('tells disabled and locked accounts apart', () => {
    const now = new Date('2026-12-01T08:00:00Z')
    expect(accountState(account, now)).toBe('正常')
    expect(accountState({ ...account, locked_until: '2026-12-01T08:10:00Z' }, now)).toBe('已锁定')
    expect(accountState({ ...account, locked_until: '2026-12-01T07:50:00Z' }, now)).toBe('正常')
    expect(accountState({ ...account, active: false }, now)).toBe('已停用')
  })

  it('sends only the scope fields given', () => {
    expect(scopeParams({ region: ' ', hall: '' })).toEqual({})
    expect(scopeParams({ region: '350203', hall: '3' })).toEqual({ region_code: '350203', hall_id: 3 })
  })
})
