import { createRouter, createWebHistory } from 'vue-router'
import { savedTokens } from './api'
import AuditView from './views/AuditView.vue'
import BoardView from './views/BoardView.vue'
import LoginView from './views/LoginView.vue'
import NotifyView from './views/NotifyView.vue'
import PaymentsView from './views/PaymentsView.vue'
import WindowView from './views/WindowView.vue'

// History mode under /console/: GovHub answers index.html for every path below it.
export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/', redirect: '/window' },
    { path: '/login', component: LoginView, meta: { public: true } },
    { path: '/window', component: WindowView },
    { path: '/payments', component: PaymentsView },
    { path: '/notify', component: NotifyView },
    { path: '/audit', component: AuditView },
    { path: '/board/:hall', component: BoardView, meta: { public: true, bare: true } },
  ],
})

router.beforeEach((to) => {
  if (!to.meta.public && !savedTokens()) return { path: '/login', query: { next: to.fullPath } }
  return true
})
