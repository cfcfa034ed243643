/**
 * Emergency modes end to end below the browser (issue #8): a real hub, two console cores on the same small city, the
 * switch made through the contract by a signed-in commander. Normal → level III rainstorm for two county-level units:
 * both consoles hold it, flood gauges in scope change (and none outside), the activation broadcast goes to exactly the
 * workers in scope, a flood report in scope gets the emergency's priority; returning to normal leaves the city's data
 * exactly as it was. Operators without authority over the scope are refused and audited; levels I and II wait for a
 * second operator; two consoles switching the same scope at once resolve to one, the other told who switched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../../../../electron/host/console-core';
import type { CallContext } from '../../../../../electron/host/dispatcher';
import type { Store } from '../../../../../electron/services/store/store';
import type { Hub } from '../../../../../hub/server/hub-server';
import type { ModesList, ModeSwitchRequest } from '../../../../../shared/contract';
import { call, operatorClient, until } from '../../host/console-operators';
import { startHubAndConsoles } from '../../host/hub-and-consoles';

const INTAKE_KEY = 'hotline-key-for-the-mode-loop';

let hub: Hub;
let consoles: ConsoleCore[] = [];
let store: Store;
let commander: CallContext & { username: string };
let secondCommander: CallContext & { username: string };
let otherDistrict: CallContext & { username: string };
let counties: string[];

/** The city's own data a switch may touch, as rows: compared before and after. */
const cityData = (db: Store): unknown[] => db.reader().prepare('SELECT * FROM sensors ORDER BY id').all();

/** Sensors of a kind, in or out of the given counties. */
function gauges(inside: boolean): { id: number; kind: string; warn: number | null; cadence: number }[] {
  return store
    .reader()
    .prepare(
      'SELECT s.id, s.kind, s.warn_threshold AS warn, s.report_every_s AS cadence FROM sensors s ' +
        'JOIN grids g ON g.id = s.grid_id JOIN counties c ON c.id = g.county_id ' +
        `WHERE s.kind IN ('water_level', 'rainfall') AND c.code ${inside ? '' : 'NOT '}IN (SELECT value FROM json_each(?)) ` +
        'ORDER BY s.id',
    )
    .all(JSON.stringify(counties)) as { id: number; kind: string; warn: number | null; cadence: number }[];
}

beforeAll(async () => {
  ({ hub, consoles, store } = await startHubAndConsoles({ name: 'modes', intakeKey: INTAKE_KEY, deadlineWatchMs: 0 }));
  const [first, second] = consoles as [ConsoleCore, ConsoleCore];
  commander = await operatorClient(first, 'city_commander');
  secondCommander = await operatorClient(second, 'city_commander');
  // Two county-level units that have flood gauges; a district commander of a third.
  counties = store
    .reader()
    .prepare(
      "SELECT c.code FROM counties c JOIN grids g ON g.county_id = c.id JOIN sensors s ON s.grid_id = g.id WHERE s.kind = 'water_level' GROUP BY c.id ORDER BY c.id LIMIT 2",
    )
    .pluck()
    .all() as string[];
  expect(counties).toHaveLength(2);
  const third = store
    .reader()
    .prepare('SELECT code FROM counties WHERE code NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT 1')
    .pluck()
    .get(JSON.stringify(counties)) as string;
  otherDistrict = await operatorClient(first, 'district_commander', { kind: 'county', code: third });
  for (const [core, context] of [
    [first, commander],
    [second, secondCommander],
  ] as const) {
    await until('hub connected', async () => {
      const status = await call(core, 'hub.getStatus', {}, context);
      return status.state === 'connected' ? true : undefined;
    });
  }
}, 120_000);

afterAll(async () => {
  store?.close();
  for (const core of consoles) await core.close();
  await hub?.close();
});

describe('emergency modes', { timeout: 30_000 }, () => {
  it('Normal → level III rainstorm for two counties on both consoles, and back to exactly the store it was', async () => {
    const [first, second] = consoles as [ConsoleCore, ConsoleCore];
    const before = cityData(store);
    const outsideBefore = gauges(false);
    const insideBefore = gauges(true);
    expect(insideBefore.length).toBeGreaterThan(0);
    const request: ModeSwitchRequest = {
      action: 'activate',
      eventType: 'rainstorm_flood',
      scope: { kind: 'counties', codes: [...counties].reverse() },
      level: 'III',
    };

    // The preview says what will change before anything does.
    const preview = await call(first, 'modes.preview', request, commander);
    expect(preview).toMatchObject({ from: null, to: 'III', refusal: null, needsSecondOperator: false, current: null });
    const waterLevel = preview.sensors.find((row) => row.kind === 'water_level')!;
    expect(waterLevel.count).toBe(insideBefore.filter((sensor) => sensor.kind === 'water_level').length);
    expect(waterLevel.after.warn!).toBeLessThan(waterLevel.before.warn!);
    expect(waterLevel.after.cadenceS).toBeLessThan(waterLevel.before.cadenceS);
    expect(preview.layers?.sensorKinds).toEqual(['water_level', 'rainfall']);
    expect(preview.broadcast!.workers).toBeGreaterThan(0);
    expect(preview.broadcast!.text.zh).toContain('Ⅲ级');
    expect(cityData(store)).toEqual(before);

    const emergency = await call(first, 'modes.switch', request, commander);
    expect(emergency).toMatchObject({ level: 'III', eventType: 'rainstorm_flood', endedAt: null });
    expect(emergency.sensors).toBe(insideBefore.length);
    // Both consoles hold it (the second through the hub), with the band's words.
    for (const [core, context] of [
      [first, commander],
      [second, secondCommander],
    ] as const) {
      const list = await until('the emergency on every console', async () => {
        const modes = await call(core, 'modes.list', {}, context);
        return modes.active.length === 1 ? modes : undefined;
      });
      expect(list.active[0]).toMatchObject({ id: emergency.id, level: 'III', scopeLabel: preview.scopeLabel });
    }
    // Flood gauges in scope warn earlier and report more often; none outside changed.
    const inside = gauges(true);
    for (const [index, sensor] of inside.entries()) {
      const was = insideBefore[index]!;
      if (was.warn !== null) expect(sensor.warn).toBeCloseTo(was.warn * 0.8, 9);
      expect(sensor.cadence).toBe(Math.min(was.cadence, 30));
    }
    expect(gauges(false)).toEqual(outsideBefore);
    // The activation broadcast went to exactly the workers in scope, and is on the timeline.
    const broadcasts = await call(first, 'broadcast.list', {}, commander);
    const sent = broadcasts.find((broadcast) => broadcast.text.includes('Ⅲ级'))!;
    expect(sent.targeted).toBe(preview.broadcast!.workers);
    const timeline = await call(first, 'modes.timeline', { emergency: emergency.id }, commander);
    expect(timeline.entries.map((entry) => entry.kind)).toEqual(['activate', 'roster', 'broadcast']);
    expect(timeline.entries[1]!.summary.zh).toContain('抢险救援队伍');

    // A flood report in scope is urgent with a shorter deadline, and a key ticket of the emergency.
    const point = store
      .reader()
      .prepare(
        "SELECT g.centroid_lon AS lng, g.centroid_lat AS lat FROM grids g JOIN counties c ON c.id = g.county_id WHERE g.level = 'micro' AND c.code = ? LIMIT 1",
      )
      .get(counties[0]) as { lng: number; lat: number };
    const posted = await fetch(`${hub.url}/intake/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${INTAKE_KEY}` },
      body: JSON.stringify({
        idempotencyKey: `mode-loop-${Date.now()}`,
        text: '路口积水很深，车辆无法通行',
        categoryCode: '030201',
        location: point,
      }),
    });
    const { id: hubId } = (await posted.json()) as { id: string };
    const ticket = await until('the flood ticket', async () => {
      const board = await call(first, 'tickets.list', { liveOnly: true, sort: 'newest' }, commander);
      return board.rows.find((row) => row.hubId === hubId);
    });
    const detail = await call(first, 'tickets.get', { id: ticket.id }, commander);
    expect(detail.priority).toBe('urgent');
    const keyTickets = await call(first, 'modes.timeline', { emergency: emergency.id }, commander);
    expect(keyTickets.entries.some((entry) => entry.kind === 'ticket' && entry.details['hubId'] === hubId)).toBe(true);

    // Back to normal from the other console: the city's data is exactly what it was, on both.
    const back = await call(
      second,
      'modes.switch',
      { ...request, action: 'deactivate', level: null, emergency: emergency.id },
      secondCommander,
    );
    expect(back).toMatchObject({ level: null, endedAt: expect.any(Number) as number });
    await until('normal on the first console', async () => {
      const modes: ModesList = await call(first, 'modes.list', {}, commander);
      return modes.active.length === 0 ? true : undefined;
    });
    expect(cityData(store)).toEqual(before);
    expect(store.reader().prepare('SELECT COUNT(*) FROM sensor_normal').pluck().get()).toBe(0);
  });

  it('refuses an operator without authority over the scope, on the audit trail', async () => {
    const [first] = consoles as [ConsoleCore];
    const request: ModeSwitchRequest = {
      action: 'activate',
      eventType: 'gas_leak',
      scope: { kind: 'counties', codes: [counties[0]!] },
      level: 'IV',
    };
    const preview = await call(first, 'modes.preview', request, otherDistrict);
    expect(preview.refusal).toBeTruthy();
    const refused = await first.dispatch('modes.switch', request, otherDistrict);
    expect(refused.ok ? 'ok' : refused.error.code).toBe('forbidden');
    const audited = store
      .reader()
      .prepare("SELECT count(*) FROM audit_log WHERE action = 'modes.switch' AND result = 'refused' AND actor = ?")
      .pluck()
      .get(otherDistrict.username) as number;
    expect(audited).toBe(1);
    expect((await call(first, 'modes.list', {}, commander)).active).toEqual([]);
  });

  it('holds levels I and II for a second operator, and runs them once another commander confirms', async () => {
    const [first] = consoles as [ConsoleCore];
    const request: ModeSwitchRequest = {
      action: 'activate',
      eventType: 'fire',
      scope: { kind: 'counties', codes: [counties[1]!] },
      level: 'II',
    };
    expect((await call(first, 'modes.preview', request, commander)).needsSecondOperator).toBe(true);
    const held = await first.dispatch('modes.switch', request, commander);
    expect(held.ok ? 'ok' : held.error.code).toBe('needs-confirmation');
    expect((await call(first, 'modes.list', {}, commander)).active).toEqual([]);
    // Someone else with the same authority confirms it from their own session: it runs as the first commander's.
    const colleague = await operatorClient(first, 'city_commander');
    const ref = held.ok ? '' : held.error.ref!;
    await call(first, 'confirmations.approve', { id: ref }, colleague);
    const active = (await call(first, 'modes.list', {}, commander)).active;
    expect(active).toMatchObject([{ level: 'II', eventType: 'fire', startedBy: { username: commander.username } }]);
    const timeline = await call(first, 'modes.timeline', { emergency: active[0]!.id }, commander);
    expect(timeline.entries[0]!.details['confirmedBy']).toMatchObject({ username: colleague.username });
    expect(timeline.entries[0]!.summary.en).toContain(`confirmed by ${colleague.username}`);
    // Returning to normal never waits for a second operator.
    await call(
      first,
      'modes.switch',
      { ...request, action: 'deactivate', level: null, emergency: active[0]!.id },
      commander,
    );
  });

  it('two consoles switching the same scope at once: one wins, the other is told who switched and to what', async () => {
    const [first, second] = consoles as [ConsoleCore, ConsoleCore];
    const request: ModeSwitchRequest = {
      action: 'activate',
      eventType: 'cold_wave',
      scope: { kind: 'city' },
      level: 'IV',
    };
    const results = await Promise.all([
      first.dispatch('modes.switch', request, commander),
      second.dispatch('modes.switch', request, secondCommander),
    ]);
    const won = results.filter((result) => result.ok);
    const lost = results.filter((result) => !result.ok);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const message = lost[0]!.ok ? '' : lost[0]!.error.message;
    expect(message).toMatch(/switched this scope to level IV first|already holds this scope/);
    const active = await until('the cold wave on both consoles', async () => {
      const one = await call(first, 'modes.list', {}, commander);
      const two = await call(second, 'modes.list', {}, secondCommander);
      return one.active.length === 1 && two.active.length === 1 ? one.active[0] : undefined;
    });
    await call(
      first,
      'modes.switch',
      { ...request, action: 'deactivate', level: null, emergency: active.id },
      commander,
    );
  });

  it('overlapping emergencies: a gauge takes the strongest factors of its own values; each ending gives back the rest', async () => {
    const [first] = consoles as [ConsoleCore];
    const before = cityData(store);
    const insideBefore = gauges(true);
    const outsideBefore = gauges(false);
    const cityWide: ModeSwitchRequest = {
      action: 'activate',
      eventType: 'rainstorm_flood',
      scope: { kind: 'city' },
      level: 'IV',
    };
    const twoCounties: ModeSwitchRequest = { ...cityWide, scope: { kind: 'counties', codes: counties }, level: 'III' };
    const wide = await call(first, 'modes.switch', cityWide, commander);
    const local = await call(first, 'modes.switch', twoCounties, commander);
    const expectFactor = (
      now: ReturnType<typeof gauges>,
      was: ReturnType<typeof gauges>,
      factor: number,
      cadence: number,
    ) =>
      now.forEach((sensor, index) => {
        const own = was[index]!;
        if (own.warn !== null) expect(sensor.warn).toBeCloseTo(own.warn * factor, 9);
        expect(sensor.cadence).toBe(Math.min(own.cadence, cadence));
      });
    // Inside both: level III's factors (the stronger), of the gauges' own values, not compounded with IV's.
    expectFactor(gauges(true), insideBefore, 0.8, 30);
    expectFactor(gauges(false), outsideBefore, 0.9, 60);
    // The county emergency ends: the city-wide one still holds there.
    await call(
      first,
      'modes.switch',
      { ...twoCounties, action: 'deactivate', level: null, emergency: local.id },
      commander,
    );
    expectFactor(gauges(true), insideBefore, 0.9, 60);
    // The city-wide one ends too: every gauge exactly as it was.
    await call(
      first,
      'modes.switch',
      { ...cityWide, action: 'deactivate', level: null, emergency: wide.id },
      commander,
    );
    expect(cityData(store)).toEqual(before);
  });
});
