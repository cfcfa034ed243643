/**
 * Broadcasting from the console through a real hub (started in-process, embedded log) to workers of a small
 * generated city, connected with signed tokens for their real grid paths, as phones would be.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BroadcastService,
  packWorkerIds,
  unpackWorkerIds,
} from '../../../../../electron/services/broadcast/broadcast-service';
import { HubLink, type HubLinkState } from '../../../../../electron/services/broadcast/hub-link';
import { generateCity } from '../../../../../electron/services/city/generator/generate-city';
import { openStore, type Store } from '../../../../../electron/services/store/store';
import { startHub, type Hub } from '../../../../../hub/server/hub-server';
import { signWorkerToken } from '../../../../../hub/server/worker-token';
import {
  ContractError,
  WORKER_LIST_CAP,
  type BroadcastEscalation,
  type BroadcastStatus,
} from '../../../../../shared/contract';
import {
  RECEIPT_DELIVERED,
  type CommandWire,
  type WorkerCalls,
  type WorkerListens,
} from '../../../../../shared/protocol/hub-protocol';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'resources');
const SECRETS = { worker: 'w'.repeat(32), console: 'c'.repeat(32) };

let store: Store;
let hub: Hub;
let link: HubLink;
let service: BroadcastService;
const statuses: BroadcastStatus[] = [];
const escalations: BroadcastEscalation[] = [];
const states: HubLinkState[] = [];
const phones: Socket<WorkerListens, WorkerCalls>[] = [];
const received = new Map<number, string[]>();
let connectedIds: number[] = [];

/** Each worker's grid and every grid above it, as provisioning would sign them. */
function gridPath(workerId: number): { l1: number; g: number[] } {
  const rows = store
    .reader()
    .prepare(
      `WITH RECURSIVE up(id, parent_id) AS (
         SELECT g.id, g.parent_id FROM grids g JOIN workers w ON w.grid_id = g.id WHERE w.id = ?
         UNION ALL SELECT g.id, g.parent_id FROM grids g JOIN up ON g.id = up.parent_id
       ) SELECT id, parent_id FROM up`,
    )
    .all(workerId) as { id: number; parent_id: number | null }[];
  return { l1: rows.find((row) => row.parent_id === null)!.id, g: rows.map((row) => row.id) };
}

const until = async (check: () => boolean, ms = 8000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

beforeAll(async () => {
  store = openStore(mkdtempSync(join(tmpdir(), 'gridline-broadcast-')));
  await generateCity(store, { scale: 'small', seed: 4, resourcesDir });
  hub = await startHub({
    port: 0,
    hubId: 'hub-test',
    workerSecret: SECRETS.worker,
    consoleSecret: SECRETS.console,
    dataDir: mkdtempSync(join(tmpdir(), 'gridline-broadcast-hub-')),
    log: () => {},
    receiptIntervalMs: 50,
  });
  link = new HubLink({
    url: hub.url,
    consoleSecret: SECRETS.console,
    onState: (state) => states.push(state),
    onReceipts: (id, parts) => service.receipts(id, parts),
    onEscalation: (message) => service.escalated(message),
  });
  service = new BroadcastService(store, link, 'test-desk', {
    status: (status) => statuses.push(status),
    escalation: (escalation) => escalations.push(escalation),
  });
  // The workers of two county-level units' first L1 grids, plus a few elsewhere.
  connectedIds = store.reader().prepare('SELECT id FROM workers ORDER BY id LIMIT 400').pluck().all() as number[];
  for (const id of connectedIds) {
    const path = gridPath(id);
    const token = signWorkerToken({ w: id, ...path, exp: Math.floor(Date.now() / 1000) + 3600 }, SECRETS.worker);
    const phone: Socket<WorkerListens, WorkerCalls> = connect(hub.url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
    });
    phone.on('c', (text) => {
      const wire = JSON.parse(text) as CommandWire;
      received.set(id, [...(received.get(id) ?? []), wire.i]);
      phone.emit('r', wire.s, RECEIPT_DELIVERED);
    });
    phones.push(phone);
  }
  await until(() => phones.every((phone) => phone.connected) && link.state === 'connected');
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.disconnect();
  service.close();
  link.close();
  await hub.close();
  store.close();
});

describe('broadcast targets', () => {
  it('counts the workers of county-level units, independently of the service', () => {
    const counties = [1, 2];
    const expected = (
      store
        .reader()
        .prepare(
          `WITH RECURSIVE subtree(id) AS (
             SELECT id FROM grids WHERE level = 'L1' AND county_id IN (1, 2)
             UNION SELECT g.id FROM grids g JOIN subtree s ON g.parent_id = s.id
           ) SELECT COUNT(*) AS n FROM workers WHERE grid_id IN subtree`,
        )
        .get() as { n: number }
    ).n;
    expect(service.preview({ kind: 'counties', ids: counties }).workers).toBe(expected);
    expect(expected).toBeGreaterThan(0);
  });

  it('the whole city is every worker; an area with no grid centre is nobody', () => {
    const all = (store.reader().prepare('SELECT COUNT(*) AS n FROM workers').get() as { n: number }).n;
    expect(service.preview({ kind: 'city' }).workers).toBe(all);
    expect(service.preview({ kind: 'radius', center: [100, 20], meters: 1000 })).toEqual({ workers: 0, grids: 0 });
  });

  it('a radius round a compound takes the compound and its micro-grids', () => {
    const l3 = store
      .reader()
      .prepare("SELECT id, centroid_lon AS lng, centroid_lat AS lat FROM grids WHERE level = 'L3' ORDER BY id LIMIT 1")
      .get() as { id: number; lng: number; lat: number };
    const preview = service.preview({ kind: 'radius', center: [l3.lng, l3.lat], meters: 50 });
    expect(preview.grids).toBeGreaterThanOrEqual(1);
    const inGrid = service.preview({ kind: 'grids', ids: [l3.id] });
    expect(preview.workers).toBeGreaterThanOrEqual(inGrid.workers);
  });
});

describe('sending', () => {
  it('reaches exactly the connected workers of the target and reports live receipts', async () => {
    const l1 = gridPath(connectedIds[0]!).l1;
    const status = await service.send({
      text: '请立即核查辖区内积水点',
      priority: 'urgent',
      target: { kind: 'grids', ids: [l1] },
      ackRequired: false,
      expiresInMinutes: 30,
    });
    const inTarget = connectedIds.filter((id) => gridPath(id).g.includes(l1));
    expect(status.targeted).toBe(service.preview({ kind: 'grids', ids: [l1] }).workers);
    await until(() => statuses.some((s) => s.id === status.id && s.delivered === inTarget.length));
    const outside = [...received.entries()].filter(([id, ids]) => ids.includes(status.id) && !inTarget.includes(id));
    expect(outside).toEqual([]);
    const last = statuses.filter((s) => s.id === status.id).at(-1)!;
    expect([...last.l1]).toEqual([l1]);
    expect(last.sent).toBe(inTarget.length);
    expect(last.p50Ms).not.toBeNull();
    // Recorded in the store for the list.
    expect(service.list()[0]).toMatchObject({
      id: status.id,
      text: '请立即核查辖区内积水点',
      delivered: inTarget.length,
    });
  });

  it('lists who has not read an acknowledged broadcast, by code and grid', async () => {
    const status = await service.send({
      text: '收到请回复',
      priority: 'routine',
      target: { kind: 'city' },
      ackRequired: true,
      expiresInMinutes: 30,
    });
    await until(() => statuses.some((s) => s.id === status.id && s.delivered === 400));
    // Phones confirm delivery only: all 400 still owe the read acknowledgement; the rest of the city was offline.
    const pending = await service.pending(status.id);
    expect(pending.total).toBe(400);
    expect(pending.offline).toBe(status.targeted - 400);
    expect(pending.workers.length).toBeLessThanOrEqual(WORKER_LIST_CAP);
    expect(pending.workers[0]).toMatchObject({
      code: expect.any(String) as string,
      grid: expect.any(String) as string,
    });
    const resent = await service.resend(status.id);
    expect(resent.resent).toBe(400);
  });

  it('refuses a target that covers no grid, and says so when the hub is gone', async () => {
    await expect(
      service.send({
        text: 'x',
        priority: 'routine',
        target: { kind: 'radius', center: [100, 20], meters: 100 },
        ackRequired: false,
        expiresInMinutes: 5,
      }),
    ).rejects.toMatchObject({ code: 'refused' });
    const offline = new BroadcastService(store, undefined, 'nobody', { status: () => {}, escalation: () => {} });
    await expect(
      offline.send({
        text: 'x',
        priority: 'routine',
        target: { kind: 'city' },
        ackRequired: false,
        expiresInMinutes: 5,
      }),
    ).rejects.toBeInstanceOf(ContractError);
    expect(states).toContain('connected');
  });
});

describe('escalations', () => {
  const workerCodes = (ids: number[]): string[] =>
    ids.map((id) => (store.reader().prepare('SELECT code FROM workers WHERE id = ?').get(id) as { code: string }).code);
  const sendQuiet = () =>
    service.send({
      text: '逾期未确认将升级',
      priority: 'urgent',
      target: { kind: 'grids', ids: [gridPath(connectedIds[0]!).l1] },
      ackRequired: false,
      expiresInMinutes: 30,
    });

  it('packs worker ids four bytes each and reads back the first of them', () => {
    const ids = [1, 7, 221_000, 2 ** 31 - 1];
    const packed = packWorkerIds(ids);
    expect(packed.byteLength).toBe(16);
    expect(unpackWorkerIds(packed)).toEqual(ids);
    expect(unpackWorkerIds(packed, 2)).toEqual([1, 7]);
    // A view that does not start on a four-byte boundary (as SQLite may hand one over).
    const shifted = new Uint8Array(packed.byteLength + 1);
    shifted.set(packed, 1);
    expect(unpackWorkerIds(shifted.subarray(1))).toEqual(ids);
  });

  it('records each hub once, sums the hubs, names the first workers and tells every window', async () => {
    const status = await sendQuiet();
    const before = escalations.length;
    const ids = connectedIds.slice(0, 3);
    service.escalated({ hub: 'hub-a', id: status.id, workers: ids, at: 1000 });
    service.escalated({ hub: 'hub-b', id: status.id, workers: [connectedIds[3]!], at: 2000 });
    // The same hub again replaces its earlier report rather than adding to it.
    service.escalated({ hub: 'hub-b', id: status.id, workers: [connectedIds[3]!], at: 2000 });
    expect(escalations.length - before).toBe(3);
    const summary = service.escalations(status.id)!;
    expect(summary).toMatchObject({ id: status.id, at: 2000, total: 4 });
    expect(summary.workers.map((worker) => worker.code)).toEqual(workerCodes([...ids, connectedIds[3]!]));
    expect(summary.workers[0]!.grid).not.toBe('');
    expect(escalations.at(-1)).toEqual(summary);
    expect(statuses.at(-1)).toMatchObject({ id: status.id, escalated: 4, escalatedAt: 2000 });
    expect(service.list().find((entry) => entry.id === status.id)).toMatchObject({ escalated: 4, escalatedAt: 2000 });
  });

  it("counts a worker on two hubs' lists once (one who moved hub mid-command)", async () => {
    const status = await sendQuiet();
    const [a, b, c] = connectedIds;
    service.escalated({ hub: 'hub-a', id: status.id, workers: [a!, b!], at: 1000 });
    service.escalated({ hub: 'hub-b', id: status.id, workers: [b!, c!], at: 1500 });
    expect(service.escalations(status.id)).toMatchObject({ total: 3, at: 1500 });
    expect(service.escalations(status.id)!.workers.map((worker) => worker.code)).toEqual(workerCodes([a!, b!, c!]));
    expect(statuses.at(-1)).toMatchObject({ id: status.id, escalated: 3 });
  });

  it('names a page of workers however many were escalated, and keeps an unknown id by its number', async () => {
    const status = await sendQuiet();
    const many = [...connectedIds, ...Array.from({ length: 1000 }, (_, i) => 9_000_000 + i)];
    service.escalated({ hub: 'hub-a', id: status.id, workers: many, at: 5 });
    const summary = service.escalations(status.id)!;
    expect(summary.total).toBe(many.length);
    expect(summary.workers).toHaveLength(WORKER_LIST_CAP);
    const unknown = await sendQuiet();
    service.escalated({ hub: 'hub-a', id: unknown.id, workers: [9_999_999], at: 5 });
    expect(service.escalations(unknown.id)!.workers).toEqual([{ id: 9_999_999, code: '#9999999', grid: '' }]);
  });

  it('keeps no escalation state for ids this console never sent, however many are asked for', () => {
    const cache = (service as unknown as { escalationCache: Map<string, unknown> }).escalationCache;
    const before = cache.size;
    for (let i = 0; i < 2000; i++) expect(service.escalations(`b-never-sent-${i}`)).toBeNull();
    expect(cache.size).toBe(before);
  });

  it("leaves another console's commands to that console", () => {
    const before = escalations.length;
    service.escalated({ hub: 'hub-a', id: 'b-not-sent-from-here', workers: [1, 2], at: 5 });
    expect(escalations.length).toBe(before);
    expect(service.escalations('b-not-sent-from-here')).toBeNull();
  });

  it('through the real hub: workers who have not read by the deadline are escalated to the console', async () => {
    const l1 = gridPath(connectedIds[0]!).l1;
    const status = await service.send({
      text: '请在 5 秒内确认',
      priority: 'emergency',
      target: { kind: 'grids', ids: [l1] },
      ackRequired: true,
      expiresInMinutes: 5,
      deadlineSeconds: 5,
    });
    expect(status.deadlineAt).toBe(status.sentAt + 5000);
    // The phones confirm delivery but nobody reads it: every one of them misses the deadline.
    const inTarget = connectedIds.filter((id) => gridPath(id).g.includes(l1));
    await until(() => escalations.some((escalation) => escalation.id === status.id), 9000);
    const escalation = escalations.find((entry) => entry.id === status.id)!;
    expect(escalation.total).toBe(inTarget.length);
    expect(escalation.at).toBeGreaterThanOrEqual(status.deadlineAt!);
    expect(escalation.workers).toHaveLength(Math.min(inTarget.length, WORKER_LIST_CAP));
    expect(escalation.workers.every((worker) => inTarget.includes(worker.id))).toBe(true);
  }, 15_000);
});
