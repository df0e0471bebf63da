// Vite builds the web UI into dist/ (served by the edge on the API's origin); `npm run dev` serves it on
// :5173 and forwards /api and /ws to a running todo-chatbot (API_ORIGIN, default http://localhost:18080).
import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'

const api = process.env.API_ORIGIN ?? 'http://localhost:18080'

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: true },
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
    },
  },
  build: { outDir: 'dist', sourcemap: true },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test-setup.ts'],
  },
})
