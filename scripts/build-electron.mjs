// Bundles the main process, the preload and the web host with esbuild into dist/. The preload must be a single
// CommonJS file (sandboxed preloads cannot import); main and web host are bundled too so they start fast and ship
// without their TypeScript sources. Native and Electron modules stay external.
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['electron', 'better-sqlite3'],
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' }),
  build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs' }),
  build({ ...common, entryPoints: ['electron/web-host/cli.ts'], outfile: 'dist/web-host/cli.cjs' }),
  // The city generation runs on a worker thread beside each host's bundle.
  ...['electron', 'web-host'].map((host) =>
    build({
      ...common,
      entryPoints: ['electron/services/city/generator/generation-worker.ts'],
      outfile: `dist/${host}/generation-worker.cjs`,
    }),
  ),
]);

// `npm start` rebuilds only when a source is newer than this stamp (the renderer is built first, by vite).
writeFileSync('dist/.build-stamp', `${new Date().toISOString()}\n`);
