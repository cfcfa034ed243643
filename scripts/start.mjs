// `npm start`: builds what changed, then opens the desktop console in Electron. Where no Electron binary is installed
// (or no display is available) it says so in one line and serves the same console to the browser instead, printing
// the URL with its access token. `npm run web` (--web) always serves to the browser. Other flags pass through
// (--data-dir, --port, --host, --allow-origin). `--build-only` builds what changed and exits (benchmarks use it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureElectronBuild, ensureNodeBuild } from './native-modules.mjs';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');
const SOURCES = [
  'renderer',
  'shared',
  'electron',
  'resources',
  'package.json',
  'vite.config.ts',
  'scripts/build-electron.mjs',
];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

function buildIfStale() {
  const sourcesTime = Math.max(...SOURCES.map((source) => newestMtime(join(root, source))));
  const built =
    existsSync(stamp) &&
    existsSync(join(root, 'dist', 'renderer', 'index.html')) &&
    existsSync(join(root, 'dist', 'web-host', 'generation-worker.cjs'));
  if (built && statSync(stamp).mtimeMs >= sourcesTime) return;
  for (const [command, args] of [
    ['npx', ['vite', 'build', '--logLevel', 'error']],
    ['node', ['scripts/build-electron.mjs']],
  ]) {
    const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) {
      process.stderr.write(
        `${result.stdout}${result.stderr}\ngridline: the build failed (${command} ${args.join(' ')})\n`,
      );
      process.exit(1);
    }
  }
}

/** The Electron binary's path, or the reason the desktop window cannot open here. */
function electronBinary() {
  let binary;
  try {
    // In plain Node the electron package exports the path of its binary, and throws if the binary was never fetched.
    binary = createRequire(import.meta.url)('electron');
  } catch {
    return { reason: 'electron-missing' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { reason: 'electron-missing' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { reason: 'no-display' };
  return { binary };
}

const args = process.argv.slice(2);
const forceWeb = args.includes('--web');
const passThrough = args.filter((arg) => arg !== '--web');

buildIfStale();
if (args.includes('--build-only')) process.exit(0);
const electron = forceWeb ? { reason: 'web' } : electronBinary();
if (electron.binary) ensureElectronBuild(electron.binary);
else ensureNodeBuild();
const child = electron.binary
  ? spawn(electron.binary, [root, ...passThrough], { stdio: 'inherit' })
  : spawn(process.execPath, [join(root, 'dist', 'web-host', 'cli.cjs'), ...passThrough], {
      stdio: 'inherit',
      env: { ...process.env, GRIDLINE_LAUNCH_NOTE: electron.reason },
    });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
