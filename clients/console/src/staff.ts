// What the staff-administration page shows of an account: its roles in their scopes, and
// whether it can sign in now.

export interface Scope {
  region_code: string | null
  department_id: number | null
  hall_id: number | null
}

export interface Assignment {
  id: number
  role_code: string
  role_name: string
  scope: Scope
}

export interface StaffAccount {
  id: number
  username: string
  display_name: string
  active: boolean
  locked_until: string | null
  last_login_at: string | null
  assignments: Assignment[]
}

export function scopeLabel(scope: Scope): string {
  const parts = [
    scope.region_code ? `区划 ${scope.region_code}` : '',
    scope.department_id ? `部门 #${scope.department_id}` : '',
    scope.hall_id ? `大厅 #${scope.hall_id}` : '',
  ].filter(Boolean)
  return parts.length ? parts.join(' · ') : '全部范围'
}

export function isLocked(account: StaffAccount, now: Date = new Date()): boolean {
  return account.locked_until !== null && new Date(account.locked_until) > now
}

export function accountState(account: StaffAccount, now: Date = new Date()): string {
  if (!account.active) return '已停用'
  return isLocked(account, now) ? '已锁定' : '正常'
}

/** The optional scope fields of a form, as the gateway takes them (blank: not given). */
export function scopeParams(form: { region: string; hall: string }): Partial<Scope> {
  const params: Partial<Scope> = {}
  if (form.region.trim()) params.region_code = form.region.trim()
  if (form.hall.trim()) params.hall_id = Number(form.hall.trim())
  return params
}
