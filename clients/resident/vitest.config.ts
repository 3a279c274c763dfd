import { defineConfig } from 'vitest/config'

// Unit tests of the client's plain modules; pages are tested in the browser (tests/resident).
export default defineConfig({ test: { include: ['src/**/*.spec.ts'], environment: 'node' } })
