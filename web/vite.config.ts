import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const api = process.env.YEYAK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here,
  plugins: [react()],
  build: { outDir: resolve(here, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  // `npx vite --config web/vite.config.ts` for development, with a running `npm start` behind it.
  server: {
    proxy: Object.fromEntries(['/api', '/reservation', '/health', '/docs'].map((p) => [p, api])),
  },
});
