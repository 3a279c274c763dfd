import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import LoginView from './LoginView.vue'

function answer(body: object): void {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body))))
}

async function mounted() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LoginView },
      { path: '/window', component: { template: '<p>window</p>' } },
    ],
  })
  await router.push('/login')
  const wrapper = mount(LoginView, { global: { plugins: [router, ElementPlus] } })
  await wrapper.find('input[name=username]').setValue('clerk')
  await wrapper.find('input[name=password]').setValue('wrong')
  return { wrapper, router }
}

afterEach(() => {
  vi.unstubAllGlobals()
  sessionStorage.clear()
})

describe('staff sign-in', () => {
  it('shows the gateway message when the password is wrong', async () => {
    answer({ code: 'STAFF_LOGIN_FAILED', message: '用户名或密码错误', data: null })
    const { wrapper } = await mounted()
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-test=error]').text()).toContain('用户名或密码错误')
    expect(sessionStorage.getItem('govhub.console.tokens')).toBeNull()
  })

  it('keeps the tokens for this browser session and opens the window', async () => {
    answer({ code: 'OK', message: 'OK', data: { access_token: 'a', refresh_token: 'r', expires_in: 900 } })
    const { wrapper, router } = await mounted()
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/window')
    expect(JSON.parse(sessionStorage.getItem('govhub.console.tokens') ?? '{}').access_token).toBe('a')
  })
})
