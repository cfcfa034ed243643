/**
 * Ticket transitions on the hub's ordered ticket stream, over real sockets (socket.io-client) and real HTTP (fetch):
 * a console's transition or merge is logged only on the version it saw and reaches every console as the stream's
 * next event; stale versions, racing consoles, merge rules and malformed submissions are refused with a clear answer
 * while the hub serves on; Open311's status follows the transitions (a merged ticket its case's). Then workers'
 * patrol reports over the worker socket. Each backend: one hub with its SQLite log, and two hubs sharing Redis.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadIntakeResources } from '../../../hub/intake/intake-resources';
import { RedisTicketLog, SqliteTicketLog, type TicketLog } from '../../../hub/intake/ticket-log';
import { HUB_SERVER_OPTIONS } from '../../../hub/server/hub-server';
import { signWorkerToken } from '../../../hub/server/worker-token';
import {
  MAX_TRANSITION_BYTES,
  MAX_WORKER_REPORT_BYTES,
  ticketEventMessageSchema,
  type PatrolReport,
  type TicketEventMessage,
  type TicketTransitionAck,
  type TicketTransitionSubmit,
  type TicketTransitionWire,
  type WorkerReportAck,
} from '../../../shared/protocol/hub-protocol';
import { validateIntake, type IntakeReport } from '../../../shared/protocol/intake';
import type { ConsoleSocket } from './console-client';
import {
  allEvents,
  closeAll,
  consoleLink,
  hub,
  HOUR,
  memoryLog,
  ok,
  until,
  worker,
  WORKER_SECRET,
  tierBackends,
} from './hub-fixtures';

afterEach(closeAll);

const HOTLINE_KEY = 'hotline-key-0123456789abcdef';
const KEYS = { [HOTLINE_KEY]: 'hotline_12345' } as const;
const { categories } = loadIntakeResources();
const CATEGORY = categories.find((row) => row.level === 3)!.code;
/** 二七区大学路: inside Zhengzhou. */
const INSIDE = { lng: 113.6653, lat: 34.7536 };

let keys = 0;
/** Files a report over the native endpoint; answers its ticket id. */
async function file(base: string): Promise<string> {
  const response = await fetch(`${base}/intake/v1/reports`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${HOTLINE_KEY}` },
    body: JSON.stringify({
      idempotencyKey: `hotline-transition-${String(++keys).padStart(6, '0')}`,
      location: INSIDE,
      address: '二七区大学路88号',
      text: '井盖丢失，请尽快处理',
      categoryCode: CATEGORY,
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const wire = (
  status: TicketTransitionWire['status'],
  extra: Partial<TicketTransitionWire> = {},
): TicketTransitionWire => ({
  action: { kind: status === 'dispatched' ? 'dispatch' : 'handle', by: { kind: 'operator', id: 7 } },
  status,
  console: 'desk-1',
  ...extra,
});

const submit = (
  id: string,
  expect: number,
  transition: TicketTransitionWire,
  kind: TicketTransitionSubmit['kind'] = 'transition',
): TicketTransitionSubmit => ({ id, kind, expect, transition });

const merge = (id: string, expect: number, into: string): TicketTransitionSubmit =>
  submit(
    id,
    expect,
    { action: { kind: 'merge', by: { kind: 'operator', id: 7 }, into }, status: 'reported', into, console: 'desk-1' },
    'merged',
  );

const send = (desk: ConsoleSocket, submission: unknown): Promise<TicketTransitionAck> =>
  desk.emitWithAck('ticket:transition', submission as TicketTransitionSubmit);

/** The ticket's latest event's sequence number, from the stream. */
async function lastSeqOf(desk: ConsoleSocket, id: string): Promise<number> {
  const { events } = ok(await desk.emitWithAck('tickets:since', 0));
  return events.filter((event) => event.id === id).at(-1)!.seq;
}

interface Open311View {
  service_request_id: string;
  status: string;
  status_notes: string | null;
  agency_responsible: string | null;
  updated_datetime: string;
}
async function open311(base: string, id: string, locale = ''): Promise<Open311View> {
  const response = await fetch(`${base}/open311/v2/requests/${id}.json${locale === '' ? '' : `?locale=${locale}`}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as Open311View[])[0]!;
}

const { backends, redisInstalled, redisUrl } = tierBackends('ticket-transitions.test', { intakeKeys: KEYS });

describe.each(backends)('ticket transitions: $name', ({ skip, start }) => {
  it.skipIf(skip)(
    'a transition is the stream’s next event: every console gets it, tickets:since replays it',
    async () => {
      const tier = await start();
      const one = await consoleLink(tier.a.url);
      const two = await consoleLink(tier.b.url);
      const heard: TicketEventMessage[][] = [[], []];
      one.socket.on('tickets', (list) => heard[0]!.push(...list));
      two.socket.on('tickets', (list) => heard[1]!.push(...list));
      const id = await file(tier.a.url);
      await until(() => heard.every((events) => events.length === 1));
      const reported = heard[0]![0]!;
      expect(reported).toMatchObject({ id, kind: 'reported' });

      const transition = wire('dispatched', { notes: '已派遣至二七区城管局', agency: '二七区城市管理局' });
      const ack = await send(two.socket, submit(id, reported.seq, transition));
      expect(ack).toEqual({ ok: true, seq: reported.seq + 1, at: expect.any(Number) as number });
      if (!ack.ok) throw new Error(ack.error);
      expect(ack.at).toBeGreaterThanOrEqual(reported.at);
      await until(() => heard.every((events) => events.length === 2));
      const expected: TicketEventMessage = { seq: ack.seq, id, kind: 'transition', at: ack.at, transition };
      for (const events of heard) expect(events[1]).toEqual(expected);
      // Consoles check what they hear with the schema: a transition passes it.
      expect(ticketEventMessageSchema.safeParse(heard[0]![1]).success).toBe(true);
      for (const desk of [one, two]) {
        const since = ok(await desk.socket.emitWithAck('tickets:since', reported.seq));
        expect(since).toEqual({ stream: expect.any(String) as string, events: [expected], more: false });
      }

      // The next one names the transition's seq.
      const next = await send(one.socket, submit(id, ack.seq, wire('accepted')));
      expect(next).toMatchObject({ ok: true, seq: ack.seq + 1 });
      expect((await allEvents(one.socket)).map((event) => event.kind)).toEqual([
        'reported',
        'transition',
        'transition',
      ]);
    },
    20_000,
  );

  it.skipIf(skip)(
    'a stale version is refused with the ticket’s current seq and status; nothing is logged',
    async () => {
      const tier = await start();
      const desk = await consoleLink(tier.a.url);
      const other = await consoleLink(tier.b.url);
      const id = await file(tier.a.url);
      const first = await lastSeqOf(desk.socket, id);
      const heard: TicketEventMessage[] = [];
      desk.socket.on('tickets', (list) => heard.push(...list));
      const moved = await send(desk.socket, submit(id, first, wire('dispatched')));
      expect(moved.ok).toBe(true);
      // The move's own event follows its acknowledgement; from then on nothing more may come.
      await until(() => heard.some((event) => event.seq === first + 1));
      heard.length = 0;
      const before = await allEvents(desk.socket);
      const stale = await send(other.socket, submit(id, first, wire('handling', { notes: '不应记录' })));
      expect(stale).toEqual({ ok: false, error: 'conflict', conflict: { seq: first + 1, status: 'dispatched' } });
      // An expect ahead of the ticket is no better.
      expect(await send(other.socket, submit(id, first + 5, wire('handling')))).toMatchObject({
        error: 'conflict',
        conflict: { seq: first + 1 },
      });
      expect(await allEvents(desk.socket)).toEqual(before);
      expect((await open311(tier.a.url, id)).status_notes).not.toBe('不应记录');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard).toEqual([]);
    },
  );

  it.skipIf(skip)('two consoles submitting on the same version at once: exactly one wins', async () => {
    const tier = await start();
    const one = await consoleLink(tier.a.url);
    const two = await consoleLink(tier.b.url);
    const ids = [await file(tier.a.url), await file(tier.a.url), await file(tier.a.url)];
    for (const id of ids) {
      const seq = await lastSeqOf(one.socket, id);
      const answers = await Promise.all([
        send(one.socket, submit(id, seq, wire('dispatched', { agency: '甲单位' }))),
        send(two.socket, submit(id, seq, wire('dispatched', { agency: '乙单位' }))),
        send(
          one.socket,
          merge(
            id,
            seq,
            ids.find((other) => other !== id)!,
          ),
        ),
      ]);
      const won = answers.filter((answer) => answer.ok);
      expect(won).toHaveLength(1);
      const winner = won[0] as { seq: number };
      for (const lost of answers.filter((answer) => !answer.ok)) {
        expect(lost).toMatchObject({
          ok: false,
          error: expect.stringMatching(/^(conflict|case-is-merged)$/) as string,
        });
      }
      expect(await lastSeqOf(one.socket, id)).toBe(winner.seq);
    }
    // Every event on the stream, once, in order.
    const events = await allEvents(two.socket);
    expect(events.map((event) => event.seq)).toEqual([...events.map((event) => event.seq)].sort((x, y) => x - y));
    expect(new Set(events.map((event) => event.seq)).size).toBe(events.length);
  });

  it.skipIf(skip)('merges: unknown case, itself, a case merged elsewhere, a ticket merged already', async () => {
    const tier = await start();
    const desk = await consoleLink(tier.a.url);
    const [a, b, c] = [await file(tier.a.url), await file(tier.a.url), await file(tier.a.url)];
    const seqOf = (id: string) => lastSeqOf(desk.socket, id);
    expect(await send(desk.socket, merge(a, await seqOf(a), 't-999999'))).toEqual({ ok: false, error: 'unknown-case' });
    expect(await send(desk.socket, merge(a, await seqOf(a), a))).toEqual({ ok: false, error: 'merge-into-itself' });
    // b joins c.
    const merged = await send(desk.socket, merge(b, await seqOf(b), c));
    expect(merged).toMatchObject({ ok: true });
    const event = (await allEvents(desk.socket)).at(-1)!;
    expect(event).toMatchObject({ id: b, kind: 'merged', transition: { into: c } });
    expect(ticketEventMessageSchema.safeParse(event).success).toBe(true);
    // No chains: a cannot join b, which joined c.
    expect(await send(desk.socket, merge(a, await seqOf(a), b))).toEqual({ ok: false, error: 'case-is-merged' });
    // b is merged already.
    expect(await send(desk.socket, merge(b, await seqOf(b), a))).toEqual({ ok: false, error: 'already-merged' });
    // a may join c, the case.
    expect(await send(desk.socket, merge(a, await seqOf(a), c))).toMatchObject({ ok: true });
  });

  it.skipIf(skip)('malformed submissions are answered { ok: false, error } and the hub serves on', async () => {
    const log = memoryLog();
    const tier = await start({ log });
    const desk = await consoleLink(tier.a.url);
    const id = await file(tier.a.url);
    const seq = await lastSeqOf(desk.socket, id);
    const good = submit(id, seq, wire('dispatched', { notes: '秘密备注' }));
    const bad: [unknown, RegExp][] = [
      [null, /^invalid/],
      ['t-1', /^invalid/],
      [[good], /^invalid/],
      [{ ...good, expect: '1' }, /^invalid: expect$/],
      [{ ...good, expect: 1.5 }, /^invalid: expect$/],
      [{ ...good, expect: 0 }, /^invalid: expect$/],
      [{ ...good, id: 1 }, /^invalid: id$/],
      [{ ...good, id: 't-0' }, /^invalid: id$/],
      [{ ...good, id: '<script>' }, /^invalid: id$/],
      [{ ...good, id: "t-1' OR 1=1 --" }, /^invalid: id$/],
      [{ ...good, kind: 'reported' }, /^invalid: kind$/],
      [{ ...good, extra: true }, /^invalid/],
      [{ ...good, transition: { ...good.transition, status: 'closed' } }, /^invalid: transition\.status$/],
      [{ ...good, transition: { ...good.transition, secret: 1 } }, /^invalid/],
      [{ ...good, transition: { ...good.transition, action: 'dispatch' } }, /^invalid: transition\.action$/],
      [{ ...good, transition: { ...good.transition, console: '' } }, /^invalid: transition\.console$/],
      [{ ...good, transition: { ...good.transition, notes: 'x'.repeat(4001) } }, /^invalid: transition\.notes$/],
      [{ ...good, transition: { ...good.transition, into: 'dog' } }, /^invalid: transition\.into$/],
      // A merge without its case; a transition with one.
      [{ ...good, kind: 'merged' }, /^invalid: transition\.into$/],
      [{ ...good, transition: { ...good.transition, into: id } }, /^invalid: transition\.into$/],
      [
        { ...good, transition: { ...good.transition, action: { kind: 'x', blob: 'y'.repeat(MAX_TRANSITION_BYTES) } } },
        /^too-large$/,
      ],
    ];
    for (const [submission, error] of bad) {
      const answer = await send(desk.socket, submission);
      expect(answer.ok, JSON.stringify(submission).slice(0, 200)).toBe(false);
      if (!answer.ok) expect(answer.error).toMatch(error);
    }
    // No acknowledgement asked for: nothing to answer, nothing breaks.
    (desk.socket as unknown as { emit: (event: string, payload: unknown) => void }).emit('ticket:transition', good);
    // An unknown ticket.
    expect(await send(desk.socket, submit('t-424242', 1, wire('dispatched')))).toEqual({
      ok: false,
      error: 'unknown-ticket',
    });
    // Still connected, still serving; nothing was logged, and the valid submission is.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(desk.socket.connected).toBe(true);
    expect((await allEvents(desk.socket)).filter((event) => event.kind !== 'reported')).toEqual([]);
    expect(await send(desk.socket, good)).toMatchObject({ ok: true, seq: expect.any(Number) as number });
    expect(await file(tier.a.url)).toMatch(/^t-\d+$/);
    // Refusals are logged, never what a submission carried.
    expect(log.events.filter((entry) => entry.event === 'ticket.transition-refused').length).toBeGreaterThan(10);
    expect(JSON.stringify(log.events)).not.toMatch(/秘密备注|script|OR 1=1/);
  });

  it.skipIf(skip)('Open311 follows the transitions; a merged ticket answers its case’s status', async () => {
    const tier = await start();
    const desk = await consoleLink(tier.a.url);
    const [ticket, duplicate] = [await file(tier.a.url), await file(tier.a.url)];
    const fresh = await open311(tier.b.url, ticket);
    expect(fresh).toMatchObject({ status: 'open', status_notes: '已受理，等待派遣', agency_responsible: null });

    let seq = await lastSeqOf(desk.socket, ticket);
    const step = async (transition: TicketTransitionWire): Promise<void> => {
      const ack = await send(desk.socket, submit(ticket, seq, transition));
      if (!ack.ok) throw new Error(ack.error);
      seq = ack.seq;
    };
    await step(wire('dispatched', { agency: '二七区城市管理局' }));
    expect(await open311(tier.a.url, ticket)).toMatchObject({
      status: 'open',
      status_notes: '已派遣至责任单位',
      agency_responsible: '二七区城市管理局',
    });
    await step(wire('handling'));
    // The duplicate report joins the case while it is being handled.
    const joined = await send(desk.socket, merge(duplicate, await lastSeqOf(desk.socket, duplicate), ticket));
    expect(joined.ok).toBe(true);
    expect(await open311(tier.b.url, duplicate)).toMatchObject({
      service_request_id: duplicate,
      status: 'open',
      status_notes: `已并入工单 ${ticket} 合并办理。正在处置`,
      agency_responsible: '二七区城市管理局',
    });
    await step(wire('resolved', { notes: '已更换新井盖 <b>&</b>' }));
    const closed = await open311(tier.b.url, ticket);
    expect(closed).toMatchObject({
      status: 'closed',
      status_notes: '已更换新井盖 <b>&</b>',
      agency_responsible: '二七区城市管理局',
    });
    const { at } = (await allEvents(desk.socket)).find((event) => event.seq === seq)!;
    expect(closed.updated_datetime).toBe(`${new Date((at + 8 * 3600) * 1000).toISOString().slice(0, 19)}+08:00`);
    // Every reporter of the case: the merged ticket is closed with it, its note naming the case.
    expect(await open311(tier.a.url, duplicate)).toMatchObject({
      status: 'closed',
      status_notes: `已并入工单 ${ticket} 合并办理。已更换新井盖 <b>&</b>`,
      updated_datetime: closed.updated_datetime,
    });
    expect((await open311(tier.a.url, duplicate, 'en')).status_notes).toBe(
      `Merged into case ${ticket} and handled with it. 已更换新井盖 <b>&</b>`,
    );
    // Feedback and evaluation stay closed; a reopening opens it again, for both.
    await step(wire('feedback'));
    await step(wire('evaluated'));
    expect((await open311(tier.a.url, ticket)).status).toBe('closed');
    await step(wire('reopened', { notes: '井盖又丢了' }));
    expect(await open311(tier.a.url, duplicate)).toMatchObject({
      status: 'open',
      status_notes: `已并入工单 ${ticket} 合并办理。井盖又丢了`,
    });
  });

  it.skipIf(skip)(
    'a transition is never timed before the ticket’s previous event (a hub whose clock is behind)',
    async () => {
      const behind = () => Date.now() - 3600_000;
      const tier = await start({ now: behind });
      const desk = await consoleLink(tier.b.url);
      // Filed on a (with the right clock where there are two hubs).
      const id = await file(tier.a.url);
      const [reported] = (await allEvents(desk.socket)).filter((event) => event.id === id);
      const ack = await send(desk.socket, submit(id, reported!.seq, wire('dispatched')));
      if (!ack.ok) throw new Error(ack.error);
      expect(ack.at).toBeGreaterThanOrEqual(reported!.at);
    },
  );
});

// ─── Workers' patrol reports ─────────────────────────────────────────────────────────────────────────────────────

const patrol = (overrides: Record<string, unknown> = {}): PatrolReport => ({
  idempotencyKey: '5f0c6a2e-7d1b-4c1e-9a51-patrol000001',
  location: INSIDE,
  address: '二七区大学路与陇海路交叉口',
  text: '巡查发现路面塌陷约一平方米，已设置围挡',
  categoryCode: CATEGORY,
  ...overrides,
});

describe.each(backends)('workers’ patrol reports: $name', ({ skip, start }) => {
  it.skipIf(skip)(
    'a report over the worker socket becomes a grid_patrol ticket with the token’s worker id; a retry is a duplicate',
    async () => {
      const tier = await start();
      const desk = await consoleLink(tier.a.url);
      const heard: TicketEventMessage[] = [];
      desk.socket.on('tickets', (list) => heard.push(...list));
      const phone = await worker(tier.b.url, 4242, [1, 11, 111]);
      const answer = await phone.socket.emitWithAck('report', patrol());
      expect(answer).toEqual({
        ok: true,
        id: expect.stringMatching(/^t-\d+$/) as string,
        duplicate: false,
        receivedAt: expect.any(Number) as number,
      });
      if (!answer.ok) throw new Error('refused');
      await until(() => heard.length === 1);
      expect(heard[0]).toMatchObject({ id: answer.id, kind: 'reported' });
      expect(heard[0]!.report).toMatchObject({
        channel: 'grid_patrol',
        source: { workerId: 4242 },
        text: '巡查发现路面塌陷约一平方米，已设置围挡',
      });
      // The retry after a lost answer: the same ticket, nothing new.
      expect(await phone.socket.emitWithAck('report', patrol())).toEqual({ ...answer, duplicate: true });
      // Naming itself and its channel is allowed, and so is null for "not given".
      expect(await phone.socket.emitWithAck('report', patrol({ channel: null, source: { workerId: null } }))).toEqual({
        ...answer,
        duplicate: true,
      });
      // Naming itself and its channel is allowed.
      expect(
        await phone.socket.emitWithAck('report', patrol({ channel: 'grid_patrol', source: { workerId: 4242 } })),
      ).toEqual({ ...answer, duplicate: true });
      // The same key with other content: a conflict.
      const reused = await phone.socket.emitWithAck('report', patrol({ text: '另一处：路灯不亮' }));
      expect(reused).toMatchObject({ ok: false, errors: [{ path: 'idempotencyKey', code: 'idempotency-conflict' }] });
      // Another worker's phone numbering its reports alike files its own ticket.
      const colleague = await worker(tier.a.url, 4243, [1, 11, 112]);
      const theirs = await colleague.socket.emitWithAck('report', patrol());
      expect(theirs).toMatchObject({ ok: true, duplicate: false });
      expect((theirs as { id: string }).id).not.toBe(answer.id);
      await until(() => heard.length === 2);
      expect(heard[1]!.report!.source).toEqual({ workerId: 4243 });
      // Open311 reads a patrol ticket like any other.
      expect((await open311(tier.a.url, answer.id)).status).toBe('open');
    },
    20_000,
  );

  it.skipIf(skip)('a bad body is answered with every problem; another worker or channel is refused', async () => {
    const log = memoryLog();
    const tier = await start({ log });
    const phone = await worker(tier.a.url, 7, [1, 11, 111]);
    const bad = await phone.socket.emitWithAck(
      'report',
      patrol({ location: { lng: 116.397, lat: 39.909 }, text: 42, priority: 'high' }),
    );
    expect(bad.ok).toBe(false);
    const codes = (answer: WorkerReportAck) =>
      answer.ok ? [] : answer.errors.map((error) => `${error.path} ${error.code}`).sort();
    expect(codes(bad)).toEqual(['location outside-city', 'priority unknown-field', 'text wrong-type']);
    if (!bad.ok) for (const error of bad.errors) expect(error.zh.length > 0 && error.en.length > 0).toBe(true);
    expect(codes(await phone.socket.emitWithAck('report', 'not a report' as never))).toEqual([' not-an-object']);
    expect(codes(await phone.socket.emitWithAck('report', patrol({ idempotencyKey: 'short' })))).toEqual([
      'idempotencyKey bad-format',
    ]);
    // Spoofing: another worker, another channel, a device's fields.
    expect(codes(await phone.socket.emitWithAck('report', patrol({ source: { workerId: 8 } })))).toEqual([
      'source.workerId worker-mismatch',
    ]);
    expect(codes(await phone.socket.emitWithAck('report', patrol({ channel: 'hotline_12345' })))).toEqual([
      'channel channel-not-allowed',
    ]);
    expect(codes(await phone.socket.emitWithAck('report', patrol({ source: { deviceId: 'cam-1' } })))).toEqual([
      'source.deviceId not-allowed',
    ]);
    // Too large for the worker socket (under its frame limit): refused, the socket stays.
    const photo = Buffer.alloc(MAX_WORKER_REPORT_BYTES);
    photo.set([0xff, 0xd8, 0xff, 0xe0]);
    const large = await phone.socket.emitWithAck(
      'report',
      patrol({ photos: [{ mediaType: 'image/jpeg', data: photo.subarray(0, 46 * 1024).toString('base64') }] }),
    );
    expect(codes(large)).toEqual([' too-large']);
    // A thumbnail fits.
    const thumbnail = await phone.socket.emitWithAck(
      'report',
      patrol({
        idempotencyKey: '5f0c6a2e-7d1b-4c1e-9a51-patrol000002',
        photos: [{ mediaType: 'image/jpeg', data: photo.subarray(0, 30 * 1024).toString('base64') }],
      }),
    );
    expect(thumbnail).toMatchObject({ ok: true, duplicate: false });
    expect(phone.socket.connected).toBe(true);
    // Receipts still take the hot path on the same socket.
    const desk = await consoleLink(tier.a.url);
    const sent = ok(
      await desk.socket.emitWithAck('command:send', {
        id: 'patrol-cmd-0001',
        text: '请核实塌陷范围',
        priority: 'urgent',
        target: { grids: [111] },
        ackRequired: false,
        expiresInS: 600,
        sender: 'test-commander',
      }),
    );
    await until(() => phone.received.some((command) => command.s === sent.seq));
    await until(() => tier.a.stats().directReceipts + tier.a.stats().messageReceipts >= 1);
    // Refusals are logged without the report.
    expect(log.events.some((entry) => entry.event === 'worker.report-refused')).toBe(true);
    expect(JSON.stringify(log.events)).not.toMatch(/塌陷|大学路/);
  });

  it.skipIf(skip)('a frame over the socket’s buffer closes only that phone; the hub serves on', async () => {
    const tier = await start();
    const phone = await worker(tier.a.url, 9, [1, 11, 111]);
    const other = await worker(tier.a.url, 10, [1, 11, 111]);
    const closed = new Promise<void>((resolve) => phone.socket.once('disconnect', () => resolve()));
    phone.socket.emit('report', patrol({ text: '长'.repeat(HUB_SERVER_OPTIONS.maxHttpBufferSize) }), () => {});
    await closed;
    expect(await other.socket.emitWithAck('report', patrol())).toMatchObject({ ok: true });
  });
});

describe('worker report limits', () => {
  it('a patrol report at the limit fits in one worker frame', () => {
    // `421["report",…]` and the ack id around the JSON.
    expect(MAX_WORKER_REPORT_BYTES + 64).toBeLessThan(HUB_SERVER_OPTIONS.maxHttpBufferSize);
    expect(MAX_TRANSITION_BYTES + 64).toBeLessThan(HUB_SERVER_OPTIONS.maxHttpBufferSize);
  });

  it('an expired or forged token cannot file a report', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const expired = signWorkerToken({ w: 5, l1: 1, g: [1], exp: Math.floor(Date.now() / 1000) - HOUR }, WORKER_SECRET);
    await expect(worker(started.url, 5, [1], { token: expired })).rejects.toThrow(/unauthorized/);
    const forged = signWorkerToken(
      { w: 5, l1: 1, g: [1], exp: Math.floor(Date.now() / 1000) + HOUR },
      'not-the-secret',
    );
    await expect(worker(started.url, 5, [1], { token: forged })).rejects.toThrow(/unauthorized/);
  });
});

// ─── The log itself ──────────────────────────────────────────────────────────────────────────────────────────────

describe('the ticket log', () => {
  const resources = loadIntakeResources();
  const reportOf = (key: string): IntakeReport => {
    const result = validateIntake(
      {
        idempotencyKey: key,
        channel: 'hotline_12345',
        location: { lng: 113.66531234567891, lat: 34.75361234567891 },
        text: '井盖丢失',
      },
      { insideCity: resources.insideCity, now: 1_753_000_000 },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.report;
  };

  const logs: {
    name: string;
    skip: boolean;
    open: () => Promise<{ log: TicketLog; strip: (id: string) => Promise<void> }>;
  }[] = [
    {
      name: 'SQLite',
      skip: false,
      open: () => {
        const file = join(mkdtempSync(join(tmpdir(), 'gridline-ticket-log-')), 'tickets.sqlite');
        const log = new SqliteTicketLog(file);
        // A record as written before transitions existed: no lastSeq.
        const strip = (id: string): Promise<void> => {
          const db = new Database(file);
          const { body } = db.prepare('SELECT body FROM ticket_status WHERE id = ?').get(id) as { body: string };
          const { lastSeq: _lastSeq, ...old } = JSON.parse(body) as Record<string, unknown>;
          db.prepare('UPDATE ticket_status SET body = ? WHERE id = ?').run(JSON.stringify(old), id);
          db.close();
          return Promise.resolve();
        };
        return Promise.resolve({ log, strip });
      },
    },
    {
      name: 'Redis',
      skip: !redisInstalled,
      open: async () => {
        const client = new Redis(redisUrl());
        await client.flushall();
        clients.push(client);
        const strip = async (id: string): Promise<void> => {
          const body = (await client.hget('gridline:hub:tickets:status', id))!;
          const { lastSeq: _lastSeq, ...old } = JSON.parse(body) as Record<string, unknown>;
          await client.hset('gridline:hub:tickets:status', id, JSON.stringify(old));
        };
        return { log: new RedisTicketLog(client), strip };
      },
    },
  ];
  const clients: Redis[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  it.each(logs)(
    '$name: a record from before transitions reads and moves on from its reported event',
    async ({ skip, open }) => {
      if (skip) return;
      const { log, strip } = await open();
      const first = await log.report(reportOf('legacy-0001'), 'hotline_12345:legacy-0001', 'h1');
      if (!first.ok) throw new Error('conflict');
      expect(first.status.lastSeq).toBe(first.seq);
      await strip(first.id);
      expect((await log.status(first.id))!.lastSeq).toBe(first.seq);
      const moved = await log.transition(
        submit(first.id, first.seq, wire('dispatched', { agency: '甲' })),
        1_753_000_100,
      );
      expect(moved).toMatchObject({ ok: true, seq: first.seq + 1, at: 1_753_000_100 });
      // Earlier than the ticket's latest event: at that event's time.
      const again = await log.transition(
        submit(first.id, first.seq + 1, wire('accepted', { notes: '签收 "/\\ \u2028' })),
        1_752_000_000,
      );
      expect(again).toMatchObject({ ok: true, at: 1_753_000_100 });
      const record = (await log.status(first.id))!;
      // The report's own fields untouched (coordinates to the last digit), the state laid over them.
      expect(record).toMatchObject({
        id: first.id,
        status: 'accepted',
        lastSeq: first.seq + 2,
        updatedAt: 1_753_000_100,
        agency: '甲',
        notes: '签收 "/\\ \u2028',
        lng: 113.66531234567891,
        lat: 34.75361234567891,
        text: '井盖丢失',
      });
      // A retry of the report answers the current record.
      const retry = await log.report(reportOf('legacy-0001'), 'hotline_12345:legacy-0001', 'h1');
      expect(retry).toMatchObject({
        ok: true,
        duplicate: true,
        status: { status: 'accepted', lastSeq: first.seq + 2 },
      });
      expect((await log.since(0, 10)).map((event) => event.kind)).toEqual(['reported', 'transition', 'transition']);
      await log.close();
    },
  );

  it('SQLite: writes of one turn share a commit, in call order; one that fails fails alone; close commits the rest', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gridline-ticket-log-')), 'tickets.sqlite');
    const log = new SqliteTicketLog(file);
    const keys = Array.from({ length: 300 }, (_, i) => `group-${String(i).padStart(4, '0')}`);
    // A report that cannot be written (a value JSON cannot carry) in the middle of the batch.
    const broken = { ...reportOf('group-broken'), text: 10n } as unknown as IntakeReport;
    const writes = keys.map((key) => log.report(reportOf(key), `hotline_12345:${key}`, `h-${key}`));
    const failing = log.report(broken, 'hotline_12345:group-broken', 'h-broken');
    const after = keys.map((key) => log.report(reportOf(`${key}-b`), `hotline_12345:${key}-b`, `h-${key}-b`));
    await expect(failing).rejects.toThrow(/BigInt/);
    const outcomes = await Promise.all([...writes, ...after]);
    // Sequence numbers in call order, none taken by the failed write.
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.seq : -1))).toEqual(
      Array.from({ length: 600 }, (_, i) => i + 1),
    );
    // Writes accepted just before close are committed, not dropped.
    const last = log.report(reportOf('group-last'), 'hotline_12345:group-last', 'h-last');
    await log.close();
    await expect(last).resolves.toMatchObject({ ok: true, seq: 601 });
    const reopened = new SqliteTicketLog(file);
    expect((await reopened.since(590, 100)).map((event) => event.seq)).toEqual([
      591, 592, 593, 594, 595, 596, 597, 598, 599, 600, 601,
    ]);
    expect(await reopened.status('t-601')).toMatchObject({ text: '井盖丢失' });
    await reopened.close();
  });

  it('names its stream once: kept with the log, shared by the hubs of a tier, new for a new log', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gridline-ticket-log-')), 'tickets.sqlite');
    const first = new SqliteTicketLog(file);
    const name = await first.stream();
    expect(name).toMatch(/^[0-9a-f-]{36}$/);
    await first.close();
    const reopened = new SqliteTicketLog(file);
    expect(await reopened.stream()).toBe(name);
    await reopened.close();
    const fresh = new SqliteTicketLog(join(mkdtempSync(join(tmpdir(), 'gridline-ticket-log-')), 'tickets.sqlite'));
    expect(await fresh.stream()).not.toBe(name);
    await fresh.close();
    if (!redisInstalled) return;
    const client = new Redis(redisUrl());
    clients.push(client);
    await client.flushall();
    const [a, b] = [new RedisTicketLog(client), new RedisTicketLog(client)];
    const shared = await a.stream();
    expect(await b.stream()).toBe(shared);
    // A Redis that lost its data (and with it the sequence) names a new stream, which the consoles then refuse.
    await client.flushall();
    expect(await b.stream()).not.toBe(shared);
  });
});
