/**
 * Hub processes for the broadcast benchmark: `hub/cli.ts` under Node with tsx's loader (what `npx tsx hub/cli.ts`
 * runs, minus the npx and tsx wrapper processes, so the pid is the hub's own: it gets the signal, and `--cpu-prof`
 * profiles the hub itself), one per loopback port, all sharing one Redis — or the stock Socket.IO baseline
 * (stock-hub.ts) the same way. Either logs `hub.started` as a JSON line when it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface HubProcess {
  index: number;
  url: string;
  pid: number;
  /** The child itself (its IPC channel, where it was started with `ipc`). */
  child: ChildProcess;
  /** SIGTERM (the hub closes and exits), SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface HubProcessOptions {
  index: number;
  port: number;
  /** Which hub: the real one (hub/cli.ts, the default, with Redis and a data dir) or the stock Socket.IO baseline. */
  script?: 'hub/cli.ts' | 'tests/bench/broadcast/stock-hub.ts';
  redisUrl?: string;
  dataDir?: string;
  /** Open an IPC channel to the child (the baseline hub takes its orders that way). */
  ipc?: boolean;
  workerSecret: string;
  consoleSecret: string;
  /** Write a V8 CPU profile of this hub into this directory when it exits. */
  cpuProfDir?: string;
  /** Extra Node flags for the hub process (e.g. `--max-semi-space-size=64`). */
  nodeFlags?: string[];
  log: (line: string) => void;
}

export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  const profile = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      ...(options.nodeFlags ?? []),
      '--import',
      TSX_LOADER,
      options.script ?? 'hub/cli.ts',
      '--port',
      String(options.port),
      ...(options.redisUrl ? ['--redis', options.redisUrl] : []),
      ...(options.dataDir ? ['--data-dir', options.dataDir] : []),
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        GRIDLINE_HUB_WORKER_SECRET: options.workerSecret,
        GRIDLINE_HUB_CONSOLE_SECRET: options.consoleSecret,
        GRIDLINE_HUB_INDEX: String(options.index),
      },
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const prefix = `hub ${options.index}:`;
  // Keep reading both pipes for the hub's whole life: a full pipe would block it.
  createInterface({ input: child.stderr! }).on('line', (line) => options.log(`${prefix} ${line}`));
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${prefix} did not log hub.started within 60 s`));
    }, 60_000);
    lines.on('line', (line) => {
      let event: unknown;
      try {
        event = (JSON.parse(line) as { event?: unknown }).event;
      } catch {
        event = undefined;
      }
      if (event === 'hub.started') {
        clearTimeout(timer);
        resolve();
      } else if (event !== 'command.sent') options.log(`${prefix} ${line}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${prefix} exited before it started (${signal ?? code})`));
    });
  });
  return {
    index: options.index,
    url: `http://127.0.0.1:${options.port}`,
    pid: child.pid!,
    child,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
