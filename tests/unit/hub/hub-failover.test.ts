/**
 * A hub process killed as a broadcast goes out. The hub tier as `npm run hub -- --processes 2 --redis URL` runs it:
 * two processes behind one port (Node's cluster), one Redis. 2,000 simulated phones connect; the console sends a
 * command to the whole city and, as its answer comes back, the process the console is not on is SIGKILLed. Its
 * phones reconnect with jittered backoff, land on the survivor, hand it the last sequence number they saw and get
 * what they missed from the shared log: every phone ends up with the command exactly once, and none is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startRedis } from '../../../hub/redis-process';
import { startWorkerSimulator } from '../../../hub/simulator/simulator';
import type { HubStats } from '../../../shared/protocol/hub-protocol';
import { connectConsole } from './console-client';
import { CONSOLE_SECRET, WORKER_SECRET, command, ok, until } from './hub-fixtures';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const WORKERS = 2000;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The hub CLI with N processes; resolves with the pids of its hub processes once each listens. */
async function hubCluster(port: number, redisUrl: string, processes: number): Promise<number[]> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      'hub/cli.ts',
      '--port',
      String(port),
      '--processes',
      String(processes),
      '--redis',
      redisUrl,
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'gridline-failover-')),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, GRIDLINE_HUB_WORKER_SECRET: WORKER_SECRET, GRIDLINE_HUB_CONSOLE_SECRET: CONSOLE_SECRET },
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own process group: the cleanup stops the primary and every hub process it forked.
      detached: true,
    },
  );
  cleanup.push(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  const pids: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the hub processes did not start within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { event?: string; pid?: number };
      if (entry.event === 'hub.started' && entry.pid) pids.push(entry.pid);
      if (pids.length === processes) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return pids;
}

const pidOf = (stats: HubStats): number => Number(stats.hub.split('-').at(-1));

describe('a hub process killed mid-broadcast', () => {
  it('its workers reconnect to the other hub and each receives the command exactly once; none is lost', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const port = await freePort();
    const pids = await hubCluster(port, redis.url, 2);
    const url = `http://127.0.0.1:${port}`;

    const sim = startWorkerSimulator({
      hubs: [url],
      count: WORKERS,
      perProcess: 1000,
      workerSecret: WORKER_SECRET,
      readDelayMs: 100,
      offline: 0,
      flaky: 0,
      durationS: 60,
      log: () => {},
    });
    cleanup.push(async () => void (await sim.stop()));
    await sim.ready;
    await until(() => sim.counts().connected === WORKERS, 30_000);

    const desk = await connectConsole(url, CONSOLE_SECRET);
    cleanup.push(() => void desk.socket.disconnect());
    const stats = ok(await desk.socket.emitWithAck('hub:stats'));
    expect(stats.map(pidOf).sort()).toEqual([...pids].sort());
    // Both processes hold phones (the cluster spreads connections), and the console is on the first one listed.
    expect(stats.every((hub) => hub.workers > WORKERS / 4)).toBe(true);
    const victim = stats[1]!;

    ok(await desk.socket.emitWithAck('command:send', command('cmd-failover', { all: true })));
    process.kill(pidOf(victim), 'SIGKILL');

    await until(() => sim.command('cmd-failover')?.received === WORKERS, 30_000);
    await sim.flush();
    expect(sim.command('cmd-failover')).toMatchObject({ received: WORKERS, duplicates: 0 });
    // Everyone is back, on the survivor.
    await until(() => sim.counts().connected === WORKERS, 30_000);
    const after = ok(await desk.socket.emitWithAck('hub:stats'));
    expect(after).toHaveLength(1);
    expect(after[0]!.workers).toBe(WORKERS);
    expect(sim.counts().reconnects).toBeGreaterThanOrEqual(victim.workers);
  }, 90_000);
});
