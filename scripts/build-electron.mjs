// Bundles the main process, the preload and the web host with esbuild into dist/. The preload must be a single
// CommonJS file (sandboxed preloads cannot import); main and web host are bundled too so they start fast and ship
// without their TypeScript sources. Native and Electron modules stay external. The command hub and the worker
// simulator (which `npm start` runs beside the console on a bare desk) are bundled as ES modules into dist/hub/: the
// hub's CLI awaits at top level and the simulator finds its child script from import.meta.url
// (dist/hub/simulator-child.js, an ES module under the package's "type": "module").
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

// Bundled CommonJS dependencies still call require() for Node built-ins: give the ES module bundles one.
const hubModule = {
  ...common,
  format: 'esm',
  external: ['better-sqlite3'],
  banner: {
    js: "import { createRequire as __gridlineRequire } from 'node:module';\nconst require = __gridlineRequire(import.meta.url);",
  },
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
  build({ ...hubModule, entryPoints: ['hub/cli.ts'], outfile: 'dist/hub/cli.mjs' }),
  build({ ...hubModule, entryPoints: ['hub/simulator/worker-simulator.ts'], outfile: 'dist/hub/worker-simulator.mjs' }),
  build({ ...hubModule, entryPoints: ['hub/simulator/simulator-child.ts'], outfile: 'dist/hub/simulator-child.js' }),
  build({
    ...hubModule,
    entryPoints: ['hub/simulator/citizen-simulator.ts'],
    outfile: 'dist/hub/citizen-simulator.mjs',
  }),
]);

// `npm start` rebuilds only when a source is newer than this stamp (the renderer is built first, by vite).
writeFileSync('dist/.build-stamp', `${new Date().toISOString()}\n`);
