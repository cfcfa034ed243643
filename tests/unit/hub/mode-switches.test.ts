/**
 * Emergency mode switches on the hub's ordered ticket stream (issue #8), over real sockets (socket.io-client): a
 * console's switch is logged only on the scope key's version it saw and reaches every console as the stream's next
 * event (kind `mode`, replayed by `tickets:since`); stale versions, racing consoles, an activation of an active key, a
 * step or return of a normal key or of another emergency, and malformed, oversized or wrongly keyed submissions are
 * refused with a clear answer (a refusal with the key's current state) while the hub serves on. Each backend: one hub
 * with its SQLite log, and two hubs sharing Redis. Then the log itself: the key state survives a reopened SQLite log.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { NORMAL_MODE_STATE, RedisTicketLog, SqliteTicketLog, type TicketLog } from '../../../hub/intake/ticket-log';
import { HUB_SERVER_OPTIONS } from '../../../hub/server/hub-server';
import type { EmergencyLevel } from '../../../shared/domain/modes/emergency-levels';
import { modeProfileSchema, type LevelEffect, type ModeProfile } from '../../../shared/domain/modes/mode-profile';
import { scopeKey, type ModeScope } from '../../../shared/domain/modes/mode-scope';
import { ticketEventMessageSchema, type TicketEventMessage } from '../../../shared/protocol/hub-protocol';
import {
  MAX_MODE_SWITCH_BYTES,
  modeSwitchSubmitSchema,
  type ModeAction,
  type ModeKeyState,
  type ModeSwitchAck,
  type ModeSwitchSubmit,
  type ModeSwitchWire,
} from '../../../shared/protocol/mode-protocol';
import type { ConsoleSocket } from './console-client';
import { allEvents, closeAll, consoleLink, memoryLog, ok, until, tierBackends } from './hub-fixtures';

afterEach(closeAll);

const effect = (deadlineFactor: number, ackWithinSeconds: number): LevelEffect => ({
  sensors: [
    { kind: 'water_level', warnFactor: 0.8, alarmFactor: 0.9, cadenceSeconds: 60 },
    { kind: 'rainfall', warnFactor: 0.7, alarmFactor: 0.85, cadenceSeconds: 300 },
  ],
  tickets: { categories: ['01', '0203'], deadlineFactor, priority: 'urgent' },
  roster: ['district_command', 'street_duty', 'rescue_teams'],
  ackWithinSeconds,
});

/** A rainstorm profile; its description carries a marker that must never reach a log line. */
const PROFILE: ModeProfile = {
  id: 'rainstorm-flood',
  version: 3,
  eventType: 'rainstorm_flood',
  name: { zh: '暴雨洪涝', en: 'Rainstorm and flood' },
  description: { zh: '配置秘密标记', en: 'profile-secret-marker' },
  layers: { show: ['liveTickets', 'heatmap'], hide: ['cameras'], sensorKinds: ['water_level', 'rainfall'] },
  broadcast: { zh: '{scope}启动{event}{level}应急响应', en: '{level} response to {event} in {scope}' },
  levels: { IV: effect(0.8, 1800), III: effect(0.5, 900), II: effect(0.3, 600), I: effect(0.2, 300) },
};

/** 中原区 and 二七区, in another order than the canonical key's. */
const SCOPE: ModeScope = { kind: 'counties', codes: ['410103', '410102'] };
const KEY = `rainstorm_flood@${scopeKey(SCOPE)}`;
const ZHANG = { username: 'zhang.wei', displayName: '张伟' };
const LI = { username: 'li.na', displayName: '李娜' };

const emergencyId = (): string => `e-${randomUUID()}`;

function switchOf(
  action: ModeAction,
  emergency: string,
  level: EmergencyLevel | null,
  extra: Partial<ModeSwitchWire> = {},
): ModeSwitchWire {
  return {
    emergency,
    action,
    key: KEY,
    eventType: 'rainstorm_flood',
    scope: SCOPE,
    level,
    ...(action === 'deactivate' ? {} : { profile: PROFILE }),
    by: ZHANG,
    note: '秘密备注：气象台发布暴雨红色预警',
    console: 'desk-1',
    ...extra,
  };
}

const activate = (expect: number, emergency: string, extra: Partial<ModeSwitchWire> = {}): ModeSwitchSubmit => ({
  expect,
  switch: switchOf('activate', emergency, 'III', extra),
});
const step = (expect: number, emergency: string, level: EmergencyLevel): ModeSwitchSubmit => ({
  expect,
  switch: switchOf('step', emergency, level),
});
const deactivate = (expect: number, emergency: string): ModeSwitchSubmit => ({
  expect,
  switch: switchOf('deactivate', emergency, null),
});

const send = (desk: ConsoleSocket, submission: unknown): Promise<ModeSwitchAck> =>
  desk.emitWithAck('mode:switch', submission as ModeSwitchSubmit);

const { backends, redisInstalled, redisUrl } = tierBackends('mode-switches.test');

describe('the test’s mode switch', () => {
  it('carries a valid profile and a canonical key', () => {
    expect(modeProfileSchema.safeParse(PROFILE).success).toBe(true);
    expect(KEY).toBe('rainstorm_flood@counties:410102,410103');
    const emergency = emergencyId();
    for (const submission of [activate(0, emergency), step(1, emergency, 'II'), deactivate(2, emergency)]) {
      expect(modeSwitchSubmitSchema.safeParse(submission).success).toBe(true);
    }
  });
});

describe.each(backends)('mode switches: $name', ({ skip, start }) => {
  it.skipIf(skip)(
    'an activation is the stream’s next event: logged, every console gets it, tickets:since replays it',
    async () => {
      const log = memoryLog();
      const tier = await start({ log });
      const one = await consoleLink(tier.a.url);
      const two = await consoleLink(tier.b.url);
      const heard: TicketEventMessage[][] = [[], []];
      one.socket.on('tickets', (list) => heard[0]!.push(...list));
      two.socket.on('tickets', (list) => heard[1]!.push(...list));
      const emergency = emergencyId();
      const submission = activate(0, emergency);
      const ack = await send(two.socket, submission);
      expect(ack).toEqual({ ok: true, seq: 1, at: expect.any(Number) as number, version: 1 });
      if (!ack.ok) throw new Error(ack.error);
      await until(() => heard.every((events) => events.length === 1));
      const expected: TicketEventMessage = { seq: 1, id: emergency, kind: 'mode', at: ack.at, mode: submission.switch };
      for (const events of heard) expect(events).toEqual([expected]);
      // Consoles check what they hear with the schema: a mode switch passes it.
      expect(ticketEventMessageSchema.safeParse(heard[0]![0]).success).toBe(true);
      for (const desk of [one, two]) {
        const since = ok(await desk.socket.emitWithAck('tickets:since', 0));
        expect(since).toEqual({ stream: expect.any(String) as string, events: [expected], more: false });
      }
      // Logged by the hub that took it: the key, the action, the level, seq and version; never the note or profile.
      const line = log.events.find((entry) => entry.event === 'mode.switch');
      expect(line?.fields).toEqual({ key: KEY, action: 'activate', level: 'III', seq: 1, version: 1 });
      expect(JSON.stringify(log.events)).not.toMatch(/秘密|secret-marker/);
    },
    20_000,
  );

  it.skipIf(skip)(
    'a stale version is refused with the key’s current state (who switched, to what); nothing is logged',
    async () => {
      const tier = await start();
      const desk = await consoleLink(tier.a.url);
      const other = await consoleLink(tier.b.url);
      const heard: TicketEventMessage[] = [];
      other.socket.on('tickets', (list) => heard.push(...list));
      const emergency = emergencyId();
      const first = await send(desk.socket, activate(0, emergency, { by: LI, console: 'desk-7' }));
      if (!first.ok) throw new Error(first.error);
      // The activation's own event follows its acknowledgement; from then on nothing more may come.
      await until(() => heard.some((event) => event.seq === first.seq));
      heard.length = 0;
      const before = await allEvents(other.socket);
      const current: ModeKeyState = { version: 1, emergency, level: 'III', by: LI, console: 'desk-7', at: first.at };
      // Another console, having seen the key normal, activates it too; then steps it on a version it never saw.
      expect(await send(other.socket, activate(0, emergencyId()))).toEqual({ ok: false, error: 'conflict', current });
      expect(await send(other.socket, step(5, emergency, 'II'))).toEqual({ ok: false, error: 'conflict', current });
      expect(await allEvents(other.socket)).toEqual(before);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'two consoles activating the same key at once: exactly one wins, the other is told whom',
    async () => {
      const tier = await start();
      const one = await consoleLink(tier.a.url);
      const two = await consoleLink(tier.b.url);
      const ids = [emergencyId(), emergencyId()];
      const submissions = [
        activate(0, ids[0]!, { by: ZHANG, console: 'desk-1' }),
        activate(0, ids[1]!, { by: LI, console: 'desk-2', level: 'II' }),
      ];
      const answers = await Promise.all([send(one.socket, submissions[0]), send(two.socket, submissions[1])]);
      const won = answers.findIndex((answer) => answer.ok);
      expect(won).not.toBe(-1);
      expect(answers.filter((answer) => answer.ok)).toHaveLength(1);
      const winner = answers[won] as { ok: true; seq: number; at: number; version: number };
      expect(winner).toMatchObject({ seq: 1, version: 1 });
      const wire = submissions[won]!.switch;
      expect(answers[1 - won]).toEqual({
        ok: false,
        error: 'conflict',
        current: {
          version: 1,
          emergency: wire.emergency,
          level: wire.level,
          by: wire.by,
          console: wire.console,
          at: winner.at,
        },
      });
      const events = await allEvents(two.socket);
      expect(events.map((event) => [event.seq, event.id])).toEqual([[1, wire.emergency]]);
    },
  );

  it.skipIf(skip)(
    'an active key cannot be activated; a normal key cannot be stepped or returned; nor another emergency',
    async () => {
      const tier = await start();
      const desk = await consoleLink(tier.a.url);
      const emergency = emergencyId();
      const normal = { ...NORMAL_MODE_STATE };
      expect(await send(desk.socket, step(0, emergency, 'II'))).toEqual({
        ok: false,
        error: 'not-active',
        current: normal,
      });
      expect(await send(desk.socket, deactivate(0, emergency))).toEqual({
        ok: false,
        error: 'not-active',
        current: normal,
      });
      const first = await send(desk.socket, activate(0, emergency));
      if (!first.ok) throw new Error(first.error);
      const current: ModeKeyState = { version: 1, emergency, level: 'III', by: ZHANG, console: 'desk-1', at: first.at };
      expect(await send(desk.socket, activate(1, emergencyId()))).toEqual({
        ok: false,
        error: 'already-active',
        current,
      });
      expect(await send(desk.socket, activate(1, emergency))).toEqual({ ok: false, error: 'already-active', current });
      const stranger = emergencyId();
      expect(await send(desk.socket, step(1, stranger, 'II'))).toEqual({
        ok: false,
        error: 'other-emergency',
        current,
      });
      expect(await send(desk.socket, deactivate(1, stranger))).toEqual({
        ok: false,
        error: 'other-emergency',
        current,
      });
      // Only the activation is on the stream.
      expect((await allEvents(desk.socket)).map((event) => event.mode?.action)).toEqual(['activate']);
    },
  );

  it.skipIf(skip)('a step and a return: version 1 → 2 → 3, level III → II → normal; then a new emergency', async () => {
    const tier = await start();
    const one = await consoleLink(tier.a.url);
    const two = await consoleLink(tier.b.url);
    const emergency = emergencyId();
    const activated = await send(one.socket, activate(0, emergency));
    expect(activated).toMatchObject({ ok: true, version: 1 });
    const stepped = await send(two.socket, step(1, emergency, 'II'));
    expect(stepped).toMatchObject({ ok: true, version: 2 });
    const returned = await send(one.socket, deactivate(2, emergency));
    expect(returned).toMatchObject({ ok: true, version: 3 });
    if (!activated.ok || !stepped.ok || !returned.ok) throw new Error('refused');
    expect([activated.seq, stepped.seq, returned.seq]).toEqual([1, 2, 3]);
    expect(stepped.at).toBeGreaterThanOrEqual(activated.at);
    expect(returned.at).toBeGreaterThanOrEqual(stepped.at);
    const events = await allEvents(two.socket);
    expect(events.map((event) => [event.id, event.kind, event.mode?.action, event.mode?.level])).toEqual([
      [emergency, 'mode', 'activate', 'III'],
      [emergency, 'mode', 'step', 'II'],
      [emergency, 'mode', 'deactivate', null],
    ]);
    for (const event of events) expect(ticketEventMessageSchema.safeParse(event).success).toBe(true);
    // The key is normal again at version 3: a stale step says so.
    expect(await send(two.socket, step(2, emergency, 'I'))).toEqual({
      ok: false,
      error: 'conflict',
      current: { version: 3, emergency: null, level: null, by: ZHANG, console: 'desk-1', at: returned.at },
    });
    // A new emergency may be activated on it.
    expect(await send(two.socket, activate(3, emergencyId()))).toMatchObject({ ok: true, seq: 4, version: 4 });
  });

  it.skipIf(skip)('malformed, oversized and wrongly keyed submissions are refused and the hub serves on', async () => {
    const log = memoryLog();
    const tier = await start({ log });
    const desk = await consoleLink(tier.a.url);
    const emergency = emergencyId();
    const good = activate(0, emergency);
    const g = good.switch;
    const bad: [unknown, RegExp][] = [
      [null, /^invalid: \(submission\)$/],
      ['rainstorm', /^invalid/],
      [[good], /^invalid/],
      [{ ...good, expect: -1 }, /^invalid: expect$/],
      [{ ...good, expect: 0.5 }, /^invalid: expect$/],
      [{ ...good, expect: '0' }, /^invalid: expect$/],
      [{ ...good, extra: true }, /^invalid/],
      [{ expect: 0 }, /^invalid: switch$/],
      [{ ...good, switch: { ...g, emergency: 'e-1' } }, /^invalid: switch\.emergency$/],
      [{ ...good, switch: { ...g, emergency: "e-1' OR 1=1 --" } }, /^invalid: switch\.emergency$/],
      [{ ...good, switch: { ...g, action: 'escalate' } }, /^invalid: switch\.action$/],
      [{ ...good, switch: { ...g, level: 'V' } }, /^invalid: switch\.level$/],
      [{ ...good, switch: { ...g, eventType: 'meteor' } }, /^invalid: switch\.eventType$/],
      [{ ...good, switch: { ...g, scope: { kind: 'planet' } } }, /^invalid: switch\.scope/],
      [{ ...good, switch: { ...g, console: '' } }, /^invalid: switch\.console$/],
      [{ ...good, switch: { ...g, note: 'x'.repeat(1001) } }, /^invalid: switch\.note$/],
      [{ ...good, switch: { ...g, secret: 1 } }, /^invalid/],
      [{ ...good, switch: { ...g, by: { username: 'x' } } }, /^invalid: switch\.by/],
      // An activation needs a level and a profile; a return has no level; the profile must be the event type's.
      [{ ...good, switch: { ...g, level: null } }, /^invalid/],
      [{ ...good, switch: { ...g, profile: undefined } }, /^invalid/],
      [{ ...good, switch: { ...g, profile: { ...PROFILE, eventType: 'fire' } } }, /^invalid/],
      [{ ...good, switch: { ...g, profile: { ...PROFILE, levels: { IV: PROFILE.levels.IV } } } }, /^invalid/],
      // The key must be the event type's and the canonical scope's.
      [{ ...good, switch: { ...g, key: 'rainstorm_flood@city' } }, /^invalid: switch\.key$/],
      [{ ...good, switch: { ...g, key: 'rainstorm_flood@counties:410103,410102' } }, /^invalid: switch\.key$/],
      [{ ...good, switch: { ...g, key: KEY.replace('rainstorm_flood', 'fire') } }, /^invalid: switch\.key$/],
      [{ ...good, switch: { ...g, key: '<script>' } }, /^invalid: switch\.key$/],
    ];
    for (const [submission, error] of bad) {
      const answer = await send(desk.socket, submission);
      expect(answer.ok, JSON.stringify(submission).slice(0, 200)).toBe(false);
      if (!answer.ok) {
        expect(answer.error).toMatch(error);
        expect('current' in answer).toBe(false);
      }
    }
    // Over MAX_MODE_SWITCH_BYTES as JSON, though every frame is under the socket's buffer (binary attachments, which
    // JSON inflates): too-large, before anything else is looked at.
    const blob = Buffer.alloc(48 * 1024, 0xff);
    expect(Buffer.byteLength(JSON.stringify([blob, blob]))).toBeGreaterThan(MAX_MODE_SWITCH_BYTES);
    expect(await send(desk.socket, { ...good, switch: { ...g, note: [blob, blob] } })).toEqual({
      ok: false,
      error: 'too-large',
    });
    // No acknowledgement asked for: nothing to answer, nothing breaks.
    (desk.socket as unknown as { emit: (event: string, payload: unknown) => void }).emit('mode:switch', good);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(desk.socket.connected).toBe(true);
    expect(await allEvents(desk.socket)).toEqual([]);
    // Still serving: the valid submission is logged (its scope's codes in any order: the key is canonical).
    expect(await send(desk.socket, good)).toMatchObject({ ok: true, seq: 1, version: 1 });
    // Refusals are logged, never what a submission carried.
    const refused = log.events.filter((entry) => entry.event === 'mode.switch-refused');
    expect(refused.length).toBeGreaterThan(20);
    expect(refused.map((entry) => entry.fields?.reason)).toContain('too-large');
    expect(JSON.stringify(log.events)).not.toMatch(/秘密|secret-marker|script|OR 1=1/);
  });

  it.skipIf(skip)(
    'the largest valid switch fits a frame; a frame over the buffer closes only that console',
    async () => {
      const tier = await start();
      const desk = await consoleLink(tier.a.url);
      const other = await consoleLink(tier.a.url);
      // A drawn area at its most (1,000 points at full precision) with the longest note: logged.
      const ring = Array.from({ length: 1000 }, (_, i): [number, number] => [
        113.6 + Math.cos(i / 159.2) * 0.123456789012,
        34.7 + Math.sin(i / 159.2) * 0.123456789012,
      ]);
      const scope: ModeScope = { kind: 'polygon', ring };
      const largest = activate(0, emergencyId(), {
        scope,
        key: `rainstorm_flood@${scopeKey(scope)}`,
        note: '记'.repeat(1000),
      });
      expect(modeSwitchSubmitSchema.safeParse(largest).success).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(largest))).toBeLessThan(MAX_MODE_SWITCH_BYTES);
      expect(MAX_MODE_SWITCH_BYTES).toBeLessThan(HUB_SERVER_OPTIONS.maxHttpBufferSize);
      expect(await send(desk.socket, largest)).toMatchObject({ ok: true, version: 1 });
      // A frame over the socket's buffer (nothing valid is that large) closes that console's connection only.
      const closed = new Promise<void>((resolve) => desk.socket.once('disconnect', () => resolve()));
      desk.socket.emit(
        'mode:switch',
        { ...largest, switch: { ...largest.switch, note: 'x'.repeat(70 * 1024) } },
        () => {},
      );
      await closed;
      expect(await send(other.socket, activate(0, emergencyId()))).toMatchObject({ ok: true, version: 1 });
    },
  );

  it.skipIf(skip)('a switch is never timed before the key’s previous one (a hub whose clock is behind)', async () => {
    const tier = await start({ now: () => Date.now() - 3600_000 });
    // a keeps the right clock where there are two hubs.
    const right = await consoleLink(tier.a.url);
    const behind = await consoleLink(tier.b.url);
    const emergency = emergencyId();
    const first = await send(right.socket, activate(0, emergency));
    const next = await send(behind.socket, step(1, emergency, 'II'));
    if (!first.ok || !next.ok) throw new Error('refused');
    expect(next.at).toBeGreaterThanOrEqual(first.at);
  });
});

// ─── The log itself ──────────────────────────────────────────────────────────────────────────────────────────────

describe('the ticket log’s mode keys', () => {
  const clients: Redis[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  const logs: { name: string; skip: boolean; open: () => Promise<TicketLog> }[] = [
    {
      name: 'SQLite',
      skip: false,
      open: () =>
        Promise.resolve(
          new SqliteTicketLog(join(mkdtempSync(join(tmpdir(), 'gridline-ticket-log-')), 'tickets.sqlite')),
        ),
    },
    {
      name: 'Redis',
      skip: !redisInstalled,
      open: async () => {
        const client = new Redis(redisUrl());
        await client.flushall();
        clients.push(client);
        return new RedisTicketLog(client);
      },
    },
  ];

  it.each(logs)('$name: a key’s state follows its switches; other keys stay normal', async ({ skip, open }) => {
    if (skip) return;
    const log = await open();
    expect(await log.modeState(KEY)).toEqual(NORMAL_MODE_STATE);
    const emergency = emergencyId();
    const activated = await log.mode(activate(0, emergency, { by: LI, note: '说明 "/\\ \u2028' }), 1_753_000_100);
    expect(activated).toMatchObject({ ok: true, seq: 1, at: 1_753_000_100, version: 1 });
    expect(await log.modeState(KEY)).toEqual({
      version: 1,
      emergency,
      level: 'III',
      by: LI,
      console: 'desk-1',
      at: 1_753_000_100,
    });
    // Earlier than the key's last switch: at that switch's time.
    expect(await log.mode(step(1, emergency, 'I'), 1_752_000_000)).toMatchObject({ ok: true, at: 1_753_000_100 });
    expect(await log.mode(activate(0, emergency), 1_753_000_200)).toMatchObject({
      ok: false,
      error: 'conflict',
      current: { version: 2, level: 'I' },
    });
    expect(await log.modeState('fire@city')).toEqual(NORMAL_MODE_STATE);
    const events = await log.since(0, 10);
    expect(events.map((event) => [event.seq, event.kind, event.mode?.level])).toEqual([
      [1, 'mode', 'III'],
      [2, 'mode', 'I'],
    ]);
    // The switch as submitted, to the last character of its note.
    expect(events[0]!.mode).toEqual(activate(0, emergency, { by: LI, note: '说明 "/\\ \u2028' }).switch);
    await log.close();
  });

  it('SQLite: a reopened log keeps each key’s state and goes on from it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gridline-ticket-log-')), 'tickets.sqlite');
    const first = new SqliteTicketLog(file);
    const emergency = emergencyId();
    expect(await first.mode(activate(0, emergency), 1_753_000_000)).toMatchObject({ ok: true, version: 1 });
    expect(await first.mode(step(1, emergency, 'II'), 1_753_000_060)).toMatchObject({ ok: true, version: 2 });
    const state = await first.modeState(KEY);
    await first.close();
    const reopened = new SqliteTicketLog(file);
    expect(await reopened.modeState(KEY)).toEqual(state);
    expect(state).toMatchObject({ version: 2, emergency, level: 'II', at: 1_753_000_060 });
    expect(await reopened.mode(activate(2, emergencyId()), 1_753_000_120)).toMatchObject({
      ok: false,
      error: 'already-active',
      current: state,
    });
    expect(await reopened.mode(deactivate(2, emergency), 1_753_000_120)).toMatchObject({
      ok: true,
      seq: 3,
      version: 3,
    });
    expect((await reopened.since(0, 10)).map((event) => event.mode?.action)).toEqual([
      'activate',
      'step',
      'deactivate',
    ]);
    await reopened.close();
  });
});
