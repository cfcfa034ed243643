/**
 * The worker SIMULATOR's patrol reports: they reach a real hub as grid_patrol tickets of the worker who sent them, at
 * a point inside that worker's own grid and the city, in a finding's words; a lost answer is sent again with the same
 * key and answered as the same ticket; refusals are counted and kept once per kind; the pace is the rate asked for.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadIntakeResources } from '../../../../hub/intake/intake-resources';
import { storeWorkers } from '../../../../hub/simulator/city-workers';
import { PatrolReporter, type SendPatrolReport } from '../../../../hub/simulator/patrol-reports';
import { startWorkerSimulator, type WorkerSimulator } from '../../../../hub/simulator/simulator';
import { Pacer, prng } from '../../../../hub/simulator/report-pacer';
import { outlinePlaces, storePlaces } from '../../../../hub/simulator/report-places';
import { PATROL_FINDINGS } from '../../../../hub/simulator/report-texts';
import type { PatrolReport, TicketEventMessage, WorkerReportAck } from '../../../../shared/protocol/hub-protocol';
import { WORKER_SECRET, closeAll, consoleLink, hub, until, worker } from '../hub-fixtures';
import { insideGrid, smallCity } from './small-city';

let city: string;
beforeAll(async () => {
  city = await smallCity();
}, 60_000);

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const step of cleanup.splice(0).reverse()) await step();
  await closeAll();
});

const { insideCity } = loadIntakeResources();

describe('patrol reports from the worker simulator', () => {
  it('arrive at a real hub as grid_patrol tickets of the sending worker, inside its own grid and the city', async () => {
    const server = await hub();
    const desk = await consoleLink(server.url);
    const heard: TicketEventMessage[] = [];
    desk.socket.on('tickets', (list) => heard.push(...list));

    const workers = storeWorkers(city, 30);
    const byId = new Map(workers.map((each) => [each.w, each]));
    const sim: WorkerSimulator = startWorkerSimulator({
      hubs: [server.url],
      count: 30,
      city,
      perProcess: 30,
      workerSecret: WORKER_SECRET,
      offline: 0,
      flaky: 0,
      durationS: 30,
      reportRatePerMin: 240,
      flushIntervalMs: 100,
      log: () => {},
    });
    cleanup.push(async () => void (await sim.stop()));
    await sim.ready;
    await until(() => heard.length >= 8, 15_000);
    const summary = await sim.stop();

    const reports = heard.filter((event) => event.kind === 'reported');
    expect(reports.length).toBeGreaterThanOrEqual(8);
    const inside = insideGrid(city);
    const findings = new Set(PATROL_FINDINGS.map(({ text }) => text));
    for (const event of reports) {
      const report = event.report!;
      expect(report.channel).toBe('grid_patrol');
      const w = report.source?.workerId;
      expect(w !== undefined && byId.has(w), `worker ${w}`).toBe(true);
      const own = byId.get(w!)!.g.at(-1)!;
      expect(inside(own, report.location.lng, report.location.lat), `inside grid ${own}`).toBe(true);
      expect(insideCity([report.location.lng, report.location.lat])).toBe(true);
      expect(findings.has(report.text)).toBe(true);
      expect(report.categoryCode).toMatch(/^\d{6}$/);
      expect(report.address).toBeTruthy();
      expect(report.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // Every ticket was counted as filed by the simulator, none refused.
    expect(summary.reports).toBeDefined();
    expect(summary.reports!.refused).toBe(0);
    expect(summary.reports!.ok).toBeGreaterThanOrEqual(reports.length);
    expect(summary.reports!.sent).toBeGreaterThanOrEqual(summary.reports!.ok);
  }, 60_000);

  it('sends a report again with the same key after a lost answer: the hub answers it as the same ticket', async () => {
    const server = await hub();
    const [me] = storeWorkers(city, 1);
    const phone = await worker(server.url, me!.w, me!.g);
    const bodies: PatrolReport[] = [];
    const answers: WorkerReportAck[] = [];
    const send: SendPatrolReport = (_i, body, done) => {
      bodies.push(body);
      void phone.socket
        .timeout(5000)
        .emitWithAck('report', body)
        .then((answer: WorkerReportAck) => {
          answers.push(answer);
          // The first answer is lost on the way back.
          done(bodies.length === 1 ? undefined : answer);
        });
      return true;
    };
    const places = storePlaces(city);
    cleanup.push(() => places.close());
    const reporter = new PatrolReporter({
      ratePerMin: 0,
      workers: [me!],
      connected: () => true,
      send,
      places,
      random: prng(3),
      retryDelayMs: 10,
    });
    cleanup.push(() => reporter.stop());
    expect(reporter.report()).toBe(true);
    await until(() => answers.length === 2, 5000);
    expect(bodies[1]).toBe(bodies[0]);
    expect(answers[0]).toMatchObject({ ok: true, duplicate: false });
    expect(answers[1]).toMatchObject({ ok: true, duplicate: true, id: (answers[0] as { id: string }).id });
    expect(reporter.counts).toMatchObject({ sent: 1, ok: 0, duplicate: 1, retries: 1, refused: 0, lost: 0 });
  });

  it('counts refusals, keeps each kind once, retries busy, and gives up after the last attempt', async () => {
    const places = outlinePlaces();
    const required: WorkerReportAck = {
      ok: false,
      errors: [{ path: 'text', code: 'required', zh: '必填', en: 'required' }],
    };
    const busy: WorkerReportAck = { ok: false, errors: [{ path: '', code: 'busy', zh: '忙', en: 'busy' }] };
    // What the hub answers each report, send by send (undefined: the answer is lost).
    const scripts: (WorkerReportAck | undefined)[][] = [
      [required],
      [required],
      [busy, { ok: true, id: 't-9', duplicate: false, receivedAt: 1 }],
      [undefined, undefined, undefined],
    ];
    const order: PatrolReport[] = [];
    const sends = new Map<PatrolReport, number>();
    const reporter = new PatrolReporter({
      ratePerMin: 0,
      workers: [{ w: 1, l1: 1001, g: [1001] }],
      connected: () => true,
      send: (_i, body, done) => {
        if (!sends.has(body)) order.push(body);
        const n = sends.get(body) ?? 0;
        sends.set(body, n + 1);
        const answer = scripts[order.indexOf(body)]![n];
        setTimeout(() => done(answer), 1);
        return true;
      },
      places,
      random: prng(5),
      retryDelayMs: 5,
      maxAttempts: 3,
    });
    cleanup.push(() => reporter.stop());
    for (let i = 0; i < 4; i++) reporter.report();
    await until(() => reporter.counts.ok + reporter.counts.refused + reporter.counts.lost === 4, 5000);
    expect(reporter.counts).toMatchObject({ sent: 4, ok: 1, refused: 2, lost: 1, retries: 3 });
    expect([...sends.values()]).toEqual([1, 1, 2, 3]);
    expect(reporter.takeRefusals()).toEqual([{ code: 'required', message: 'text: 必填 / required' }]);
    expect(reporter.takeRefusals()).toEqual([]);
  });

  it('reports nothing while no worker is connected, and places fall in the urban core inside the city without a store', () => {
    const places = outlinePlaces();
    const reporter = new PatrolReporter({
      ratePerMin: 0,
      workers: [{ w: 1, l1: 1001, g: [1001] }],
      connected: () => false,
      send: () => true,
      places,
      random: prng(1),
    });
    expect(reporter.report()).toBe(false);
    expect(reporter.counts).toMatchObject({ sent: 0, idle: 1 });
    const random = prng(9);
    for (let i = 0; i < 200; i++) {
      const place = places.anywhere(random);
      expect(insideCity([place.lng, place.lat])).toBe(true);
    }
  });
});

describe('the pace', () => {
  it('is the rate asked for, within 5% over an hour at a controllable clock, and nothing at 0', () => {
    vi.useFakeTimers();
    let fired = 0;
    const pacer = new Pacer(6, prng(11), () => fired++);
    pacer.start();
    vi.advanceTimersByTime(60 * 60_000);
    pacer.stop();
    expect(fired).toBeGreaterThanOrEqual(360 * 0.95);
    expect(fired).toBeLessThanOrEqual(360 * 1.05);
    // Two minutes at 120 a minute: 240 ± 5%; and no pair of reports closer than half the mean interval.
    const times: number[] = [];
    const fast = new Pacer(120, prng(12), () => times.push(Date.now()));
    fast.start();
    vi.advanceTimersByTime(2 * 60_000);
    fast.stop();
    expect(times.length).toBeGreaterThanOrEqual(228);
    expect(times.length).toBeLessThanOrEqual(252);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
    const idle = new Pacer(0, prng(13), () => fired++);
    idle.start();
    const before = fired;
    vi.advanceTimersByTime(60 * 60_000);
    expect(fired).toBe(before);
    expect(() => new Pacer(-1, prng(1), () => {})).toThrow(RangeError);
  });

  it('holds the fleet’s rate over several simulator processes (each sends its share, not the whole rate)', async () => {
    const server = await hub();
    const sim = startWorkerSimulator({
      hubs: [server.url],
      count: 20,
      city,
      perProcess: 10,
      workerSecret: WORKER_SECRET,
      offline: 0,
      flaky: 0,
      durationS: 30,
      reportRatePerMin: 300,
      flushIntervalMs: 100,
      log: () => {},
    });
    cleanup.push(async () => void (await sim.stop()));
    await sim.ready;
    await until(() => sim.counts().connected === 20, 10_000);
    const start = sim.reports().sent;
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await sim.flush();
    const sent = sim.reports().sent - start;
    const expected = (300 / 60_000) * (Date.now() - started);
    // A short real window on a shared machine: within half either way.
    expect(sent).toBeGreaterThanOrEqual(expected * 0.5);
    expect(sent).toBeLessThanOrEqual(expected * 1.5);
  }, 40_000);
});
