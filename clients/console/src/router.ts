import { createRouter, createWebHistory } from 'vue-router'
import { savedTokens } from './api'
import { PAGES, allowedPages, grants, myPermissions } from './pages'
import ApplicationsView from './views/ApplicationsView.vue'
import AuditView from './views/AuditView.vue'
import BoardView from './views/BoardView.vue'
import BookingsView from './views/BookingsView.vue'
import CounterView from './views/CounterView.vue'
import HallSetupView from './views/HallSetupView.vue'
import HandOversView from './views/HandOversView.vue'
import LoginView from './views/LoginView.vue'
import NoPagesView from './views/NoPagesView.vue'
import NotifyView from './views/NotifyView.vue'
import PaymentsView from './views/PaymentsView.vue'
import ReconciliationView from './views/ReconciliationView.vue'
import StaffView from './views/StaffView.vue'
import WindowView from './views/WindowView.vue'

// History mode under /console/: GovHub answers index.html for every path below it.
export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/', redirect: '/window' },
    { path: '/none', component: NoPagesView },
    { path: '/login', component: LoginView, meta: { public: true } },
    { path: '/window', component: WindowView },
    { path: '/bookings', component: BookingsView },
    { path: '/counter', component: CounterView },
    { path: '/hall', component: HallSetupView },
    { path: '/applications', component: ApplicationsView },
    { path: '/payments', component: PaymentsView },
    { path: '/reconciliation', component: ReconciliationView },
    { path: '/handovers', component: HandOversView },
    { path: '/notify', component: NotifyView },
    { path: '/audit', component: AuditView },
    { path: '/staff', component: StaffView },
    { path: '/board/:hall', component: BoardView, meta: { public: true, bare: true } },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!savedTokens()) return { path: '/login', query: { next: to.fullPath } }
  const permissions = await myPermissions().catch(() => [] as string[])
  const page = PAGES.find((p) => p.path === to.path)
  if (page && grants(permissions, page.permission)) return true
  // not granted, or not a page: the first page this staff member may open
  const first = allowedPages(permissions)[0]
  if (first) return { path: first.path }
  return to.path === '/none' ? true : { path: '/none' }
})
