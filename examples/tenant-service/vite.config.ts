// The pages (the applicant's KYC journey and the underwriter's reviews), built into dist/web for the
// service to serve at /app/ and /underwriter/. @metis/fsm is bundled from its TypeScript source.
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';

const web = (path: string): string => fileURLToPath(new URL(`./web/${path}`, import.meta.url));

// Vite's default client conditions (`defaultClientConditions`), after `metis-source`. The config
// imports only vite's types: the lint's import resolver cannot resolve `vite` itself.
const conditions = ['metis-source', 'module', 'browser', 'development|production'];

const config: UserConfig = {
  root: web(''),
  base: '/',
  publicDir: false,
  resolve: { conditions },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
    // The service's CSP is `default-src 'self'`: no inline scripts, so no inlined assets either.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rolldownOptions: { input: { app: web('app/index.html'), underwriter: web('underwriter/index.html') } },
  },
};

export default config;
