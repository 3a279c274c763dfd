// The console's pages and the permission each needs: a staff member sees only the pages their
// roles grant (staff.me), and a page they may not open sends them to one they may.
import { call } from './api'

export interface ConsolePage {
  path: string
  label: string
  permission: string
}

export const PAGES: ConsolePage[] = [
  { path: '/window', label: '窗口', permission: 'queue.call' },
  { path: '/bookings', label: '预约签到', permission: 'appointments.checkin' },
  { path: '/counter', label: '收费窗口', permission: 'demands.counter' },
  { path: '/hall', label: '大厅设置', permission: 'hall.manage' },
  { path: '/applications', label: '办件审核', permission: 'applications.handle' },
  { path: '/payments', label: '支付退款', permission: 'payments.refund' },
  { path: '/reconciliation', label: '对账差错', permission: 'payments.reconcile' },
  { path: '/handovers', label: '待处理销账', permission: 'bills.write-offs' },
  { path: '/notify', label: '消息通知', permission: 'notify.read' },
  { path: '/audit', label: '审计日志', permission: 'audit.read' },
  { path: '/staff', label: '工作人员', permission: 'staff.manage' },
]

const EVERYTHING = '*'

export function grants(permissions: readonly string[], needed: string): boolean {
  return permissions.includes(EVERYTHING) || permissions.includes(needed)
}

export function allowedPages(permissions: readonly string[]): ConsolePage[] {
  return PAGES.filter((page) => grants(permissions, page.permission))
}

let mine: Promise<string[]> | null = null

/** The signed-in staff member's permissions, asked once per sign-in. */
export function myPermissions(): Promise<string[]> {
  mine ??= call<{ permissions: string[] }>('staff', 'me').then(
    (me) => me.permissions,
    (error) => {
      mine = null
      throw error
    },
  )
  return mine
}

export function forgetPermissions(): void {
  mine = null
}
