// The investigator console's build: static files under dist/console, served by the API at
// /console (apps/api/src/console). No inline script or style, so the API's content security
// policy can forbid both; JSX is compiled by Vite's own transform (no plugin needed).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Nothing inlined as a data: URL: every asset is a file the CSP allows as 'self'.
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // React Flow marks itself "use client" for server rendering, which the console has none of.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npx vite apps/console` during development: the API on :4000 answers the calls.
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:4000', ws: true },
      '/v1': 'http://127.0.0.1:4000',
    },
  },
});
