/**
 * The worker simulator against a real hub (in-process, embedded log, no Redis): its child processes connect the
 * online workers, every one of them receives a command exactly once and acknowledges it (delivered, then read), the
 * offline ones never connect, flaky ones get what they missed when they come back, and the run stops by itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE_ONLINE, syntheticWorkers, workerRole } from '../../../../hub/simulator/city-workers';
import { startWorkerSimulator, type WorkerSimulator } from '../../../../hub/simulator/simulator';
import { type ReceiptsMessage, type SendCommand } from '../../../../shared/protocol/hub-protocol';
import type { ConsoleSocket } from '../console-client';
import { WORKER_SECRET, closeAll, consoleLink, hub } from '../hub-fixtures';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await closeAll();
});

function simulator(options: Parameters<typeof startWorkerSimulator>[0]): WorkerSimulator {
  const sim = startWorkerSimulator(options);
  cleanup.push(async () => void (await sim.stop()));
  return sim;
}

async function send(desk: ConsoleSocket, id: string): Promise<void> {
  const command: SendCommand = {
    id,
    text: '请各网格员立即巡查低洼路段积水情况',
    priority: 'urgent',
    target: { all: true },
    ackRequired: true,
    expiresInS: 600,
    sender: 'simulator-test',
  };
  const answer = await desk.emitWithAck('command:send', command);
  if ('error' in answer) throw new Error(answer.error);
}

const until = async (check: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** The latest receipt part of a command (one hub here). */
const latestPart = (receipts: ReceiptsMessage[], id: string) =>
  receipts
    .flatMap((message) => message.commands)
    .filter((part) => part.id === id)
    .at(-1);

describe('worker simulator', () => {
  it('connects the online workers from two processes; each receives a command exactly once, acks and reads it; stops by itself', async () => {
    const server = await hub();
    const shares = { offline: 0.1, flaky: 0 };
    const online = syntheticWorkers(300).filter(({ w }) => workerRole(w, shares) === ROLE_ONLINE);
    const offline = 300 - online.length;
    expect(offline).toBeGreaterThan(10);

    const started = Date.now();
    const sim = simulator({
      hubs: [server.url],
      count: 300,
      perProcess: 150,
      workerSecret: WORKER_SECRET,
      readDelayMs: 100,
      ...shares,
      durationS: 7,
      log: () => {},
    });
    const ready = await sim.ready;
    expect(ready).toMatchObject({ processes: 2, workers: 300, offline, flaky: 0, refused: 0 });
    await until(() => sim.counts().connected === online.length, 5000);
    expect(server.stats().workers).toBe(online.length);

    const desk = await consoleLink(server.url);
    await send(desk.socket, 'sim-test-all-1');
    await until(() => latestPart(desk.receipts, 'sim-test-all-1')?.read === online.length, 10_000);
    const part = latestPart(desk.receipts, 'sim-test-all-1')!;
    expect(part).toMatchObject({ sent: online.length, delivered: online.length, read: online.length });
    // Exactly the online workers: per L1 grid, as many as the synthetic city puts there.
    const perL1 = new Map<number, number>();
    for (const { l1 } of online) perL1.set(l1, (perL1.get(l1) ?? 0) + 1);
    expect(new Map(part.l1.map((l1, i) => [l1, part.l1Sent[i]!]))).toEqual(perL1);

    const summary = await sim.done;
    expect(Date.now() - started).toBeLessThan(7000 + 5000);
    expect(summary).toMatchObject({ workers: 300, connected: online.length, offline, flaky: 0, processes: 2 });
    expect(summary.commands).toHaveLength(1);
    const [command] = summary.commands;
    expect(command).toMatchObject({
      id: 'sim-test-all-1',
      received: online.length,
      duplicates: 0,
      readsSent: online.length,
    });
    expect(command!.p50Ms).toBeGreaterThanOrEqual(0);
    expect(command!.p99Ms).toBeGreaterThanOrEqual(command!.p50Ms!);
    expect(command!.maxMs).toBeGreaterThanOrEqual(command!.p99Ms!);
  }, 40_000);

  it('flaky workers drop and come back with their last sequence number: they get what they missed, once', async () => {
    const server = await hub();
    const sim = simulator({
      hubs: [server.url],
      count: 120,
      perProcess: 60,
      workerSecret: WORKER_SECRET,
      readDelayMs: 50,
      offline: 0,
      flaky: 0.5,
      flakyIntervalS: 0.4,
      durationS: 30,
      log: () => {},
    });
    const ready = await sim.ready;
    expect(ready.flaky).toBeGreaterThan(40);
    const desk = await consoleLink(server.url);
    const ids = ['sim-test-flaky-1', 'sim-test-flaky-2', 'sim-test-flaky-3'];
    for (const id of ids) {
      await send(desk.socket, id);
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    await until(() => {
      void sim.flush();
      return ids.every((id) => sim.command(id)?.received === 120);
    }, 15_000);
    const counts = sim.counts();
    expect(counts.drops).toBeGreaterThan(0);
    expect(counts.reconnects).toBeGreaterThan(0);
    const summary = await sim.stop();
    for (const id of ids) {
      // Each of the 120 workers counted once, however many copies (live, replayed) it was handed.
      expect(summary.commands.find((command) => command.id === id)?.received).toBe(120);
    }
    expect(summary.durationS).toBeLessThan(30);
  }, 45_000);
});
