// better-sqlite3 is a native module: one build serves either Node (web host, CLI, tests) or Electron, whose ABIs
// differ. Before launching either, check that it loads there and rebuild it for that runtime if it does not. On
// machines without an Electron binary only the Node build ever exists.
import { spawnSync } from 'node:child_process';

const PROBE = "require('better-sqlite3')(':memory:').close()";

function loads(command, env) {
  return spawnSync(command, ['-e', PROBE], { env: { ...process.env, ...env }, stdio: 'ignore' }).status === 0;
}

function run(command, args, what) {
  process.stderr.write(`gridline: ${what}…\n`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) throw new Error(`${what} failed`);
}

/** Makes better-sqlite3 loadable by plain Node. */
export function ensureNodeBuild() {
  if (!loads(process.execPath, {})) run('npm', ['rebuild', 'better-sqlite3'], 'rebuilding better-sqlite3 for Node');
}

/** Makes better-sqlite3 loadable by Electron's main process. */
export function ensureElectronBuild(electronBinary) {
  if (!loads(electronBinary, { ELECTRON_RUN_AS_NODE: '1' })) {
    run('npx', ['electron-rebuild', '--force', '--only', 'better-sqlite3'], 'rebuilding better-sqlite3 for Electron');
  }
}
