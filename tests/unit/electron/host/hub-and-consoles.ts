/**
 * The ground of the loop tests: a real hub (embedded log, an HTTP intake key) and console cores on small cities
 * connected to it, each in its own data directory. Secrets and names follow the test's name.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleCore, type ConsoleCore } from '../../../../electron/host/console-core';
import { openStore, type Store } from '../../../../electron/services/store/store';
import { startHub, type Hub } from '../../../../hub/server/hub-server';
import { TEST_SCRYPT } from './console-operators';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', 'resources');
export const QUIET_LOG = { info: () => {}, warn: () => {}, error: () => {} };

export interface LoopSetup {
  /** Names the hub, its secrets and the data directories. */
  name: string;
  /** The intake key (channel hotline_12345) reports are posted with. */
  intakeKey: string;
  deadlineWatchMs: number;
  /** The consoles' clock (epoch ms), when the test controls it. */
  now?: () => number;
}

export const loopSecrets = (setup: LoopSetup): { worker: string; console: string } => ({
  worker: `worker-secret-for-the-${setup.name}`,
  console: `console-secret-for-the-${setup.name}`,
});

/** A console core's options: on `dataDir`, connected to the hub at `url`. */
export function loopCoreOptions(
  setup: LoopSetup,
  dataDir: string,
  url: string,
): Parameters<typeof createConsoleCore>[0] {
  return {
    dataDir,
    resourcesDir,
    host: 'web',
    version: 'test',
    log: QUIET_LOG,
    cityScale: 'small',
    hub: { url, consoleSecret: loopSecrets(setup).console },
    scrypt: TEST_SCRYPT,
    deadlineWatchMs: setup.deadlineWatchMs,
    ...(setup.now ? { now: setup.now } : {}),
  };
}

/** A hub with its own fresh log, taking reports with the setup's intake key. */
export function startLoopHub(setup: LoopSetup, hubId = `${setup.name}-hub`): Promise<Hub> {
  const secrets = loopSecrets(setup);
  return startHub({
    port: 0,
    hubId,
    workerSecret: secrets.worker,
    consoleSecret: secrets.console,
    dataDir: mkdtempSync(join(tmpdir(), `gridline-${hubId}-`)),
    intakeKeys: { [setup.intakeKey]: 'hotline_12345' },
    log: () => {},
  });
}

/** The hub and `count` consoles with their cities ready; `store` reads the first console's. */
export async function startHubAndConsoles(
  setup: LoopSetup,
  count = 2,
): Promise<{ hub: Hub; consoles: ConsoleCore[]; dirs: string[]; store: Store }> {
  const hub = await startLoopHub(setup);
  const consoles: ConsoleCore[] = [];
  const dirs: string[] = [];
  for (let i = 0; i < count; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), `gridline-${setup.name}-console-${i}-`));
    dirs.push(dataDir);
    const core = createConsoleCore(loopCoreOptions(setup, dataDir, hub.url));
    consoles.push(core);
    if (!(await core.cityReady)) throw new Error(`console ${i}: the city is not ready`);
  }
  return { hub, consoles, dirs, store: openStore(dirs[0]!) };
}
