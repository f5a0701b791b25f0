import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './scripts/precompress.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Secretaries' PC console: built to dist/web/console, served by the API server at `/`. */
export default defineConfig({
  root: here('./src/web/console'),
  base: '/',
  // React without @vitejs/plugin-react: Vite 8's oxc transform handles JSX.
  oxc: { jsx: { runtime: 'automatic' } },
  // .br/.gz copies of every text file, sent as they are by the server
  plugins: [precompress()],
  build: {
    outDir: here('./dist/web/console'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      onwarn(warning, warn) {
        // antd marks its modules "use client" (for React Server Components): meaningless in a SPA bundle
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
