/**
 * `npm run hub -- [--port 5180] [--host 127.0.0.1] [--processes N] [--redis URL | --start-redis] [--data-dir DIR]
 *   [--resources DIR]`
 *
 * One process with an embedded command log, or N processes (one per core by default when --processes is given
 * without a number) sharing one port through Node's cluster module and one Redis: the Socket.IO Redis adapter
 * carries commands between them, a Redis Stream is the command log. `--start-redis` starts Debian's redis-server on
 * loopback for the run. Secrets come from GRIDLINE_HUB_WORKER_SECRET and GRIDLINE_HUB_CONSOLE_SECRET; without them a
 * pair is generated into DATA_DIR/hub-secrets.json (0600) for a bare desk. The intake's API keys (`intakeKeys`: key →
 * channel) come from GRIDLINE_HUB_INTAKE_KEYS (the same JSON object) or that file, where one key per intake channel is
 * generated on first start (and added to a file from before the intake). `--resources` is where the city outline and
 * the taxonomy are read from (the repository's resources/ by default).
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INTAKE_CHANNELS, type IntakeChannel } from '../shared/protocol/intake';
import { DEFAULT_RESOURCES_DIR } from './intake/intake-resources';
import { createLineLog } from './line-log';
import { startRedis } from './redis-process';
import { startHub } from './server/hub-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.GRIDLINE_HUB_PORT ?? '5180' },
    host: { type: 'string', default: process.env.GRIDLINE_HUB_HOST ?? '127.0.0.1' },
    processes: { type: 'string' },
    redis: { type: 'string', default: process.env.GRIDLINE_REDIS_URL },
    'start-redis': { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: process.env.GRIDLINE_HUB_DATA_DIR ?? join('.gridline', 'hub') },
    resources: { type: 'string', default: process.env.GRIDLINE_RESOURCES_DIR ?? DEFAULT_RESOURCES_DIR },
  },
});

const { log, flush: flushLog } = createLineLog();
// process.exit skips the event loop: what is buffered goes out first.
process.on('exit', flushLog);

interface Secrets {
  worker: string;
  console: string;
  /** The intake's API keys: key → the channel it posts as. */
  intakeKeys: Record<string, IntakeChannel>;
}

const newSecret = (): string => randomBytes(32).toString('base64url');

function intakeKeysFrom(value: unknown, where: string): Record<string, IntakeChannel> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: intakeKeys must be an object of API key → channel`);
  }
  for (const [key, channel] of Object.entries(value)) {
    if (key.length < 16 || !(INTAKE_CHANNELS as readonly unknown[]).includes(channel)) {
      throw new Error(
        `${where}: an intake key must be ≥ 16 characters and map to one of ${INTAKE_CHANNELS.join(', ')}`,
      );
    }
  }
  return value as Record<string, IntakeChannel>;
}

function secrets(dataDir: string): Secrets {
  const fromEnv = { worker: process.env.GRIDLINE_HUB_WORKER_SECRET, console: process.env.GRIDLINE_HUB_CONSOLE_SECRET };
  const envKeys = process.env.GRIDLINE_HUB_INTAKE_KEYS;
  const intakeFromEnv =
    envKeys === undefined ? undefined : intakeKeysFrom(JSON.parse(envKeys), 'GRIDLINE_HUB_INTAKE_KEYS');
  if (fromEnv.worker && fromEnv.console && intakeFromEnv) {
    return { worker: fromEnv.worker, console: fromEnv.console, intakeKeys: intakeFromEnv };
  }
  const file = join(dataDir, 'hub-secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>) : {};
  if (stored.worker === undefined || stored.console === undefined || stored.intakeKeys === undefined) {
    stored.worker ??= newSecret();
    stored.console ??= newSecret();
    // One key per intake channel, for a bare desk (a deployment hands each sending system its own).
    stored.intakeKeys ??= Object.fromEntries(INTAKE_CHANNELS.map((channel) => [newSecret(), channel]));
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    log('hub.secrets-generated', { file });
  }
  return {
    worker: fromEnv.worker && fromEnv.console ? fromEnv.worker : stored.worker,
    console: fromEnv.worker && fromEnv.console ? fromEnv.console : stored.console,
    intakeKeys: intakeFromEnv ?? intakeKeysFrom(stored.intakeKeys, file),
  };
}

const dataDir = resolve(values['data-dir']);
mkdirSync(dataDir, { recursive: true });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  throw new Error(`--port must be a port number: ${values.port}`);
const processes = values.processes === undefined ? 1 : Number(values.processes) || availableParallelism();

if (cluster.isPrimary && processes > 1) {
  const redisUrl = values.redis ?? (values['start-redis'] ? (await startRedis({ dir: dataDir })).url : undefined);
  if (!redisUrl) throw new Error('--processes N needs --redis URL or --start-redis: the hubs share Redis');
  secrets(dataDir);
  log('hub.cluster', { processes, port, redis: redisUrl });
  for (let i = 0; i < processes; i++) cluster.fork({ GRIDLINE_REDIS_URL: redisUrl, GRIDLINE_HUB_INDEX: String(i) });
  cluster.on('exit', (worker, code) => log('hub.process-exited', { pid: worker.process.pid, code }));
} else {
  const redisUrl = values.redis ?? (values['start-redis'] ? (await startRedis({ dir: dataDir })).url : undefined);
  const secret = secrets(dataDir);
  const hub = await startHub({
    port,
    host: values.host,
    hubId: `hub-${process.env.GRIDLINE_HUB_INDEX ?? '0'}-${process.pid}`,
    workerSecret: secret.worker,
    consoleSecret: secret.console,
    redisUrl,
    dataDir,
    intakeKeys: secret.intakeKeys,
    resourcesDir: resolve(values.resources),
    log,
  });
  if (values.host !== '127.0.0.1' && values.host !== 'localhost') {
    log('hub.not-loopback', { host: values.host, note: 'reachable beyond this machine: put TLS in front' });
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void hub.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Started with an IPC channel (`npm start`'s local hub): stop when the launcher closes it or dies.
  if (cluster.isPrimary && process.send) process.once('disconnect', stop);
}
