/**
 * The mode-switch benchmark's consoles: one city generated once (seed 1) and copied into each console's own data
 * directory (a store follows one hub tier's stream, so each console gets a copy, never a shared file), then per console
 * a core connected to a hub (as tests/e2e/fixtures.ts starts one, with the hub of its choice), a city commander
 * provisioned without the UI, and the web host its windows open.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createConsoleCore, type ConsoleCore } from '../../../electron/host/console-core';
import type { CallContext } from '../../../electron/host/dispatcher';
import { createMemoryLogger } from '../../../electron/host/logger';
import { generateCity } from '../../../electron/services/city/generator/generate-city';
import type { CityScale } from '../../../electron/services/city/generator/scale';
import { openStore } from '../../../electron/services/store/store';
import { startWebHost, type WebHost } from '../../../electron/web-host/web-host';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const RENDERER_DIR = join(ROOT, 'dist', 'renderer');
const GENERATION_WORKER = join(ROOT, 'dist', 'web-host', 'generation-worker.cjs');
/** Cheaper scrypt than the product's, as the end-to-end tests use: sign-ins are not what is measured. */
const BENCH_SCRYPT = { N: 2 ** 14, r: 8, p: 1 };

/** Throws, saying what to run, when the renderer or the web host's worker has not been built. */
export function requireBuild(): void {
  const missing = [join(RENDERER_DIR, 'index.html'), GENERATION_WORKER].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `the renderer is not built (missing ${missing.join(', ')}): run \`npm run build\` first, then the benchmark`,
    );
  }
}

/** Generates a city (seed 1) in `dir`, then copies it to each of `copies`. */
export async function prepareCities(dir: string, scale: CityScale, copies: string[]): Promise<void> {
  const store = openStore(dir);
  try {
    await generateCity(store, { scale, seed: 1, resourcesDir: join(ROOT, 'resources') });
  } finally {
    store.close();
  }
  for (const copy of copies) cpSync(dir, copy, { recursive: true });
}

export interface BenchConsole {
  index: number;
  core: ConsoleCore;
  host: WebHost;
  username: string;
  password: string;
  log: ReturnType<typeof createMemoryLogger>;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A console core on `dataDir` connected to `hubUrl`, a commander, and its web host; resolves once it is connected. */
export async function startConsole(options: {
  index: number;
  dataDir: string;
  hubUrl: string;
  consoleSecret: string;
  readyTimeoutMs: number;
}): Promise<BenchConsole> {
  const log = createMemoryLogger();
  const core = createConsoleCore({
    dataDir: options.dataDir,
    resourcesDir: join(ROOT, 'resources'),
    host: 'web',
    version: 'bench',
    log,
    scrypt: BENCH_SCRYPT,
    generationWorker: GENERATION_WORKER,
    hub: { url: options.hubUrl, consoleSecret: options.consoleSecret },
    deadlineWatchMs: 0,
  });
  let host: WebHost | undefined;
  const close = async (): Promise<void> => {
    await host?.close();
    await core.close();
  };
  try {
    if (!(await core.cityReady)) throw new Error(`console ${options.index}: the city is not complete`);
    const username = `bench-commander-${options.index}`;
    const password = `modes-${randomBytes(12).toString('hex')}`;
    // An administrator first (unused): without one the windows open on the first-start setup, not the sign-in.
    await core.identity.addOperator({
      username: `bench-admin-${options.index}`,
      displayName: `Bench administrator ${options.index}`,
      role: 'administrator',
      password: `admin-${randomBytes(12).toString('hex')}`,
    });
    await core.identity.addOperator({
      username,
      displayName: `Bench commander ${options.index}`,
      role: 'city_commander',
      password,
    });
    // Connected to the hub, asked as a signed-in desk would (hub.getStatus answers signed-in callers only).
    const context: CallContext = { host: 'web', client: `mode-bench-${options.index}` };
    const signedIn = await core.dispatch('session.signIn', { username, password }, context);
    if (!signedIn.ok) throw new Error(`console ${options.index}: sign-in refused: ${signedIn.error.message}`);
    const end = Date.now() + options.readyTimeoutMs;
    for (;;) {
      const status = await core.dispatch('hub.getStatus', {}, context);
      if (status.ok && (status.output as { state: string }).state === 'connected') break;
      if (Date.now() > end) {
        throw new Error(`console ${options.index}: not connected to ${options.hubUrl} (${JSON.stringify(status)})`);
      }
      await sleep(200);
    }
    host = await startWebHost({ core, rendererDir: RENDERER_DIR, host: '127.0.0.1', port: 0 });
    return { index: options.index, core, host, username, password, log, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
