import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// Served by GovHub at /console/ (gateway/clients.py); `npm run dev` proxies the API to it.
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  test: { environment: 'happy-dom' },
})
