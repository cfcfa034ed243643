/**
 * SIMULATOR — one child process of the worker simulator (forked by simulator.ts, never run by hand): it runs its
 * slice of workers (a WorkerFleet), reports counts and latency samples to the parent in batches, and stops by itself
 * after its duration, on `stop`, on SIGINT/SIGTERM, or when the parent goes away.
 */
import type { ChildMessage, ChildStatsMessage, ParentMessage } from './messages';
import { WorkerFleet } from './worker-fleet';

if (!process.send) {
  process.stderr.write('simulator-child.ts is forked by the worker simulator (npm run sim:workers), not run by hand\n');
  process.exit(2);
}

let fleet: WorkerFleet | undefined;
let index = -1;
let reporter: NodeJS.Timeout | undefined;
let stopping = false;

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (!process.connected || !process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });

function stats(flushId?: number): ChildStatsMessage | undefined {
  if (!fleet) return undefined;
  const { counts, commands, reports, reportRefusals } = fleet.report();
  return {
    type: 'stats',
    index,
    ...counts,
    commands,
    ...(reports ? { reports } : {}),
    ...(reportRefusals?.length ? { reportRefusals } : {}),
    ...(flushId === undefined ? {} : { flushId }),
    ...(fleet.refusal === undefined ? {} : { refusal: fleet.refusal }),
  };
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(reporter);
  // A hard bound: whatever happens below, this process is gone soon.
  setTimeout(() => process.exit(0), 10_000).unref();
  if (fleet) {
    await fleet.close();
    const last = stats();
    if (last) await send(last);
  }
  await send({ type: 'done', index });
  process.exit(0);
}

process.on('message', (raw: unknown) => {
  const message = raw as ParentMessage;
  if (message.type === 'start' && !fleet) {
    index = message.config.index;
    fleet = new WorkerFleet(message.config);
    const started = fleet;
    reporter = setInterval(() => {
      const report = stats();
      if (report) void send(report);
    }, message.flushIntervalMs);
    setTimeout(() => void stop(), Math.max(0, message.stopAt - Date.now()));
    started.connectAll().then(
      () => {
        const report = stats();
        if (report) void send(report);
      },
      (error: unknown) => void send({ type: 'failed', message: String(error) }).then(stop),
    );
  } else if (message.type === 'flush') {
    const report = stats(message.flushId);
    if (report) void send(report);
  } else if (message.type === 'stop') {
    void stop();
  }
});

// The parent died or closed the channel: nobody is listening any more.
process.on('disconnect', () => void stop());
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
