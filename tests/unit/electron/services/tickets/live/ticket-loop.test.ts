/**
 * The live ticket loop end to end below the browser: a real hub (its HTTP intake, its ticket stream), two console
 * cores on the same small city connected to it, operators signed in through the contract. A report posted over HTTP
 * is dispatched with its reason on both consoles, walked through its lifecycle by an authorised operator (and refused
 * to others, on the audit trail), moves the KPIs, duplicates are suggested and merged, two consoles acting at once
 * resolve to one, and the deadline watcher escalates at a controllable clock.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWorkerToken } from '../../../../../../hub/server/worker-token';
import type { WorkerReportAck } from '../../../../../../shared/protocol/hub-protocol';
import { createConsoleCore, type ConsoleCore } from '../../../../../../electron/host/console-core';
import type { CallContext } from '../../../../../../electron/host/dispatcher';
import type { Store } from '../../../../../../electron/services/store/store';
import { TicketHeatmap } from '../../../../../../electron/services/tickets/ticket-heatmap';
import { TicketService } from '../../../../../../electron/services/tickets/ticket-service';
import type { Hub } from '../../../../../../hub/server/hub-server';
import { DEADLINE_STATES } from '../../../../../../shared/domain/tickets/deadlines';
import { call, operatorClient, until } from '../../../host/console-operators';
import {
  loopCoreOptions,
  loopSecrets,
  QUIET_LOG,
  startHubAndConsoles,
  startLoopHub,
  type LoopSetup,
} from '../../../host/hub-and-consoles';

const INTAKE_KEY = 'hotline-key-for-the-ticket-loop';

let clockMs = Date.now();
const now = (): number => clockMs;

let hub: Hub;
let consoles: ConsoleCore[] = [];
let store: Store;
let commander: CallContext & { username: string };
let secondCommander: CallContext & { username: string };
let viewer: CallContext & { username: string };
let otherDistrict: CallContext & { username: string };
let keyCounter = 0;
let consoleDirs: string[] = [];
const LOOP: LoopSetup = { name: 'loop', intakeKey: INTAKE_KEY, deadlineWatchMs: 200, now };
const coreOptions = (dataDir: string, url: string): Parameters<typeof createConsoleCore>[0] =>
  loopCoreOptions(LOOP, dataDir, url);

/** A point well inside a micro-grid of the small city, `east` metres off its centroid. */
function pointInCity(offset = 0, east = 0): { lng: number; lat: number } {
  const row = store
    .reader()
    .prepare(
      "SELECT centroid_lon AS lng, centroid_lat AS lat FROM grids WHERE level = 'micro' ORDER BY id LIMIT 1 OFFSET ?",
    )
    .get(offset) as { lng: number; lat: number };
  return { lng: row.lng + east / (111_320 * Math.cos((row.lat * Math.PI) / 180)), lat: row.lat };
}

/** A 1×1 PNG, as bytes. */
const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function post(body: Record<string, unknown>): Promise<{ status: number; json: { id?: string } }> {
  const response = await fetch(`${hub.url}/intake/v1/reports`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${INTAKE_KEY}` },
    body: JSON.stringify({ idempotencyKey: `loop-${Date.now()}-${keyCounter++}`, ...body }),
  });
  return { status: response.status, json: (await response.json()) as { id?: string } };
}

/** A county-level unit's names as the store holds them (zh and en), by its code. */
function countyNames(code: string): { zh: string; en: string } | undefined {
  return store.reader().prepare('SELECT name AS zh, name_en AS en FROM counties WHERE code = ?').get(code) as
    { zh: string; en: string } | undefined;
}

/** Every party with a county carries that county's names from the store; city-level units none. */
function expectPartiesNamed(parties: { county: string | null; countyName: { zh: string; en: string } | null }[]): void {
  expect(parties.length).toBeGreaterThan(0);
  for (const party of parties) {
    if (party.county === null) expect(party.countyName).toBeNull();
    else expect(party.countyName).toEqual(countyNames(party.county));
  }
}

/** Posts a report and waits until `core` holds it dispatched; its row id. */
async function reportAndDispatch(core: ConsoleCore, text: string, at = pointInCity()): Promise<number> {
  const posted = await post({ text, location: { lng: at.lng, lat: at.lat } });
  expect(posted.status).toBe(201);
  return until(`ticket ${posted.json.id} dispatched`, async () => {
    const board = await call(
      core,
      'tickets.list',
      { liveOnly: true, statuses: ['dispatched'], sort: 'newest' },
      commander,
    );
    return board.rows.find((row) => row.hubId === posted.json.id)?.id;
  });
}

beforeAll(async () => {
  ({ hub, consoles, dirs: consoleDirs, store } = await startHubAndConsoles(LOOP));
  const [first, second] = consoles as [ConsoleCore, ConsoleCore];
  commander = await operatorClient(first, 'city_commander');
  viewer = await operatorClient(first, 'viewer');
  const county = store.reader().prepare('SELECT code FROM counties ORDER BY id DESC LIMIT 1').pluck().get() as string;
  otherDistrict = await operatorClient(first, 'district_commander', { kind: 'county', code: county });
  secondCommander = await operatorClient(second, 'city_commander');
  for (const [core, context] of [
    [first, commander],
    [second, secondCommander],
  ] as const) {
    await until('hub connected', async () => {
      const status = await core.dispatch('hub.getStatus', {}, context);
      return status.ok && (status.output as { state: string }).state === 'connected' ? true : undefined;
    });
  }
}, 120_000);

afterAll(async () => {
  store?.close();
  for (const core of consoles) await core.close();
  consoles = [];
  await hub?.close();
});

describe('the live ticket loop', () => {
  it('dispatches a posted report on every console, with its reason and suggestion', async () => {
    const [first, second] = consoles as [ConsoleCore, ConsoleCore];
    const id = await reportAndDispatch(first, '人行道上有商贩占道经营，摆摊堵住了盲道');
    const detail = await call(first, 'tickets.get', { id }, commander);
    expect(detail.ticket.status).toBe('dispatched');
    expect(detail.categorySource).toBe('suggested');
    expect(detail.suggestion![0]!.words.length).toBeGreaterThan(0);
    expect(detail.route?.zh).toContain('→');
    expect(detail.route?.steps.length).toBeGreaterThan(2);
    expect(detail.ticket.department).toBeTruthy();
    expect(detail.timeline.map((entry) => entry.action)).toEqual(['report', 'dispatch']);
    expect(detail.actions).toContain('accept');
    // The parties name their county (zh and en), not only its code: the lead unit of a district's ticket is its own.
    expectPartiesNamed(detail.parties);
    const lead = detail.parties.find((party) => party.role === 'lead')!;
    if (lead.county !== null) {
      expect(lead.countyName!.zh).not.toBe(lead.county);
      expect(lead.countyName!.en.length).toBeGreaterThan(0);
    }
    expect(detail.duplicateOf).toBeNull();
    expect(detail.mergedInto).toBeNull();
    // The second console holds the same ticket, dispatched the same way (the hub's version check let one proposal in).
    const hubId = detail.ticket.hubId;
    const mirrored = await until('the second console', async () => {
      const board = await call(second, 'tickets.list', { liveOnly: true, sort: 'newest' }, secondCommander);
      return board.rows.find((row) => row.hubId === hubId && row.status === 'dispatched');
    });
    expect(mirrored.department).toBe(detail.ticket.department);
    expect(mirrored.category.code).toBe(detail.ticket.category.code);
  });

  it('walks the lifecycle for an authorised operator; the evaluation moves the KPIs and the Open311 status', async () => {
    const [first] = consoles as [ConsoleCore];
    const id = await reportAndDispatch(first, '小区门口路灯不亮，晚上很黑', pointInCity(7));
    const before = await call(first, 'tickets.kpi', { range: 'today', groupBy: null }, commander);

    await call(first, 'tickets.handle', { id, action: 'accept' }, commander);
    await call(first, 'tickets.handle', { id, action: 'start-handling', note: '已派维修班组' }, commander);
    await call(first, 'tickets.close', { id, action: 'resolve', result: '已更换灯泡，恢复照明' }, commander);
    await call(first, 'tickets.close', { id, action: 'feedback', note: '电话告知市民' }, commander);
    const evaluated = await call(first, 'tickets.close', { id, action: 'evaluate', satisfaction: 5 }, commander);
    expect(evaluated.ticket.status).toBe('evaluated');
    expect(evaluated.satisfaction).toBe(5);
    expect(evaluated.timeline.map((entry) => entry.action)).toEqual([
      'report',
      'dispatch',
      'accept',
      'start-handling',
      'resolve',
      'feedback',
      'evaluate',
    ]);
    expect(evaluated.timeline.at(-1)!.actor).toBe(commander.username);

    const after = await call(first, 'tickets.kpi', { range: 'today', groupBy: null }, commander);
    expect(after.totals.evaluated).toBe(before.totals.evaluated + 1);
    expect(after.totals.satisfied).toBe(before.totals.satisfied + 1);
    expect(after.totals.handled).toBe(before.totals.handled + 1);

    const hubId = evaluated.ticket.hubId!;
    const status = (await (await fetch(`${hub.url}/open311/v2/requests/${hubId}.json`)).json()) as {
      status: string;
      status_notes: string;
    }[];
    expect(status[0]!.status).toBe('closed');
  });

  it('refuses viewers, operators outside the ticket’s area and wrong steps — and audits the refusals', async () => {
    const [first] = consoles as [ConsoleCore];
    const id = await reportAndDispatch(first, '井盖破损，存在安全隐患', pointInCity(3));
    const byViewer = await first.dispatch('tickets.handle', { id, action: 'accept' }, viewer);
    expect(byViewer.ok ? 'ok' : byViewer.error.code).toBe('forbidden');
    const detail = await call(first, 'tickets.get', { id }, commander);
    const ticketCounty = store
      .reader()
      .prepare(
        'SELECT c.code FROM tickets t JOIN grids g ON g.id = t.grid_id JOIN counties c ON c.id = g.county_id WHERE t.id = ?',
      )
      .pluck()
      .get(id) as string;
    const otherCounty = store.reader().prepare('SELECT code FROM counties ORDER BY id DESC LIMIT 1').pluck().get();
    if (ticketCounty !== otherCounty) {
      const outside = await first.dispatch('tickets.handle', { id, action: 'accept' }, otherDistrict);
      expect(outside.ok ? 'ok' : outside.error.code).toBe('forbidden');
    }
    // Resolving a ticket nobody accepted: the lifecycle says no, with the reason.
    const early = await first.dispatch('tickets.close', { id, action: 'resolve', result: '已处理' }, commander);
    expect(early.ok ? 'ok' : early.error.code).toBe('refused');
    expect(early.ok ? '' : early.error.message).toContain('Cannot resolve');
    expect((await call(first, 'tickets.get', { id }, commander)).ticket.status).toBe(detail.ticket.status);
    const refusals = store
      .reader()
      .prepare("SELECT count(*) FROM audit_log WHERE action = 'tickets.handle' AND result = 'refused' AND actor = ?")
      .pluck()
      .get(viewer.username) as number;
    expect(refusals).toBeGreaterThan(0);
    // The history is read-only.
    const history = store
      .reader()
      .prepare('SELECT id FROM tickets WHERE status = 1 ORDER BY id LIMIT 1')
      .pluck()
      .get() as number | undefined;
    if (history !== undefined) {
      const read = await call(first, 'tickets.get', { id: history }, commander);
      expect(read.actions).toEqual([]);
      expect(read.readOnlyReason).toContain('read-only');
    }
  });

  it('suggests a merge for the same event reported twice nearby, and the merged reporter follows the case', async () => {
    const [first] = consoles as [ConsoleCore];
    const text = '路边垃圾桶满溢，垃圾散落一地无人清理';
    const caseId = await reportAndDispatch(first, text, pointInCity(11));
    const duplicateId = await reportAndDispatch(first, `${text}，气味很大`, pointInCity(11, 20));
    const farId = await reportAndDispatch(first, text, pointInCity(11, 400));
    const caseHubId = (await call(first, 'tickets.get', { id: caseId }, commander)).ticket.hubId!;
    expect(caseHubId).toMatch(/^t-\d+$/);
    const duplicate = await call(first, 'tickets.get', { id: duplicateId }, commander);
    expect(duplicate.ticket.duplicateOf).toBe(caseId);
    // The detail names the original by its hub id, next to the row id it is opened by.
    expect(duplicate.duplicateOf).toEqual({ id: caseId, hubId: caseHubId });
    expect(duplicate.mergedInto).toBeNull();
    expect(duplicate.mergeCandidates.map((candidate) => candidate.id)).toContain(caseId);
    expect(duplicate.mergeCandidates.map((candidate) => candidate.id)).not.toContain(farId);
    expect(duplicate.actions).toContain('merge');
    // The commander may merge into each candidate (both open, in the commander's area); a viewer into none.
    const candidate = duplicate.mergeCandidates.find((entry) => entry.id === caseId)!;
    expect(candidate.hubId).toBe(caseHubId);
    expect(candidate.canMerge).toBe(true);
    const asViewer = await call(first, 'tickets.get', { id: duplicateId }, viewer);
    expect(asViewer.mergeCandidates.map((entry) => entry.id)).toContain(caseId);
    expect(asViewer.mergeCandidates.every((entry) => !entry.canMerge)).toBe(true);
    // A district commander of another county: no authority over the ticket's place, so no candidate to merge into —
    // and tickets.merge says no alike.
    const ticketCounty = store
      .reader()
      .prepare(
        'SELECT c.code FROM tickets t JOIN grids g ON g.id = t.grid_id JOIN counties c ON c.id = g.county_id WHERE t.id = ?',
      )
      .pluck()
      .get(duplicateId) as string;
    const otherCounty = store.reader().prepare('SELECT code FROM counties ORDER BY id DESC LIMIT 1').pluck().get();
    if (ticketCounty !== otherCounty) {
      const outside = await first.dispatch('tickets.get', { id: duplicateId }, otherDistrict);
      if (outside.ok) {
        const seen = outside.output as { mergeCandidates: { canMerge: boolean }[]; actions: string[] };
        expect(seen.mergeCandidates.every((entry) => !entry.canMerge)).toBe(true);
        expect(seen.actions).not.toContain('merge');
      }
      const refusedMerge = await first.dispatch('tickets.merge', { id: duplicateId, into: caseId }, otherDistrict);
      expect(refusedMerge.ok).toBe(false);
    }
    const far = await call(first, 'tickets.get', { id: farId }, commander);
    expect(far.duplicateOf).toBeNull();

    const merged = await call(first, 'tickets.merge', { id: duplicateId, into: caseId }, commander);
    expect(merged.merged.map((entry) => entry.id)).toContain(duplicateId);
    expect(merged.merged.find((entry) => entry.id === duplicateId)?.hubId).toBe(duplicate.ticket.hubId);
    // The merged ticket is no longer a candidate of its case.
    expect(merged.mergeCandidates.map((entry) => entry.id)).not.toContain(duplicateId);
    await call(first, 'tickets.handle', { id: caseId, action: 'accept' }, commander);
    const follower = await call(first, 'tickets.get', { id: duplicateId }, commander);
    expect(follower.ticket.mergedInto).toBe(caseId);
    expect(follower.mergedInto).toEqual({ id: caseId, hubId: caseHubId });
    expect(follower.mergeCandidates).toEqual([]);
    expect(follower.ticket.status).toBe('accepted');
    expect(follower.actions).toEqual([]);
    const refused = await first.dispatch('tickets.handle', { id: duplicateId, action: 'start-handling' }, commander);
    expect(refused.ok ? 'ok' : refused.error.message).toContain('Merged into another case');
    const status = (await (await fetch(`${hub.url}/open311/v2/requests/${duplicate.ticket.hubId}.json`)).json()) as {
      status_notes: string;
    }[];
    expect(status[0]!.status_notes).toContain(merged.ticket.hubId);
  });

  it('lets exactly one of two consoles accepting the same ticket at once win; the other is told', async () => {
    const [first, second] = consoles as [ConsoleCore, ConsoleCore];
    const id = await reportAndDispatch(first, '楼道堆放杂物，堵塞消防通道', pointInCity(19));
    const hubId = (await call(first, 'tickets.get', { id }, commander)).ticket.hubId;
    const secondId = await until('the second console', async () => {
      const board = await call(second, 'tickets.list', { liveOnly: true, statuses: ['dispatched'] }, secondCommander);
      return board.rows.find((row) => row.hubId === hubId)?.id;
    });
    const [a, b] = await Promise.all([
      first.dispatch('tickets.handle', { id, action: 'accept' }, commander),
      second.dispatch('tickets.handle', { id: secondId, action: 'accept' }, secondCommander),
    ]);
    const outcomes = [a, b].map((result) => (result.ok ? 'ok' : result.error.message));
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(1);
    expect(outcomes.find((outcome) => outcome !== 'ok')).toContain('Another console acted on this ticket first');
    const timeline = (await call(first, 'tickets.get', { id }, commander)).timeline;
    expect(timeline.filter((entry) => entry.action === 'accept')).toHaveLength(1);
  });

  it('escalates a ticket overdue past its grace to supervision, once, at a controllable clock', async () => {
    const [first] = consoles as [ConsoleCore];
    const id = await reportAndDispatch(first, '燃气管道泄漏，闻到很浓的燃气味', pointInCity(23));
    const detail = await call(first, 'tickets.get', { id }, commander);
    expect(detail.clock.state).toBe('on-time');
    const started = clockMs;
    /** How the map colours the ticket now (DEADLINE_STATES index → name). */
    const onMap = async (): Promise<string | undefined> => {
      const points = await call(first, 'tickets.getLivePoints', {}, commander);
      const at = points.ids.indexOf(id);
      return at < 0 ? undefined : DEADLINE_STATES[points.deadlines[at]!];
    };
    expect(await onMap()).toBe('on-time');
    try {
      clockMs = detail.clock.deadlineAt * 1000 - 1000;
      expect((await call(first, 'tickets.get', { id }, commander)).clock.state).toBe('warning');
      expect(await onMap()).toBe('warning');
      clockMs = detail.clock.deadlineAt * 1000 + 1000;
      expect((await call(first, 'tickets.get', { id }, commander)).clock.state).toBe('overdue');
      expect(await onMap()).toBe('overdue');
      clockMs = (detail.clock.escalateAfter + 1) * 1000;
      // The watchers of both consoles look every 200 ms; the hub's version check lets one escalation in.
      const escalated = await until('escalation', async () => {
        const now = await call(first, 'tickets.get', { id }, commander);
        return now.ticket.escalated ? now : undefined;
      });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(escalated.clock.state).toBe('escalated');
      expect(await onMap()).toBe('escalated');
      const settled = await call(first, 'tickets.get', { id }, commander);
      expect(settled.timeline.filter((entry) => entry.action === 'escalate')).toHaveLength(1);
      expect(escalated.timeline.at(-1)!.actor).toContain('Deadline watcher');
    } finally {
      clockMs = started;
    }
  });

  it('re-routes by hand with the reason, and the rule it made routes the next such report', async () => {
    const [first] = consoles as [ConsoleCore];
    const at = pointInCity(29);
    const id = await reportAndDispatch(first, '小区门口有人占道摆摊，堵住了人行道', at);
    const before = await call(first, 'tickets.get', { id }, commander);
    const options = await call(first, 'tickets.rerouteOptions', { id }, commander);
    expect(options.current).toBeTruthy();
    expect(options.scopes[0]!.kind).toBe('grid');
    const target = options.departments.find((department) => department.code !== options.current)!;
    const rerouted = await call(
      first,
      'tickets.reroute',
      {
        id,
        departmentCode: target.code,
        reason: '属该单位职责范围',
        rule: { kind: options.scopes[0]!.kind, code: options.scopes[0]!.code },
      },
      commander,
    );
    expect(rerouted.ticket.department).toBe(target.name);
    expect(rerouted.route?.zh).toContain('人工改派');
    expect(rerouted.parties.find((party) => party.role === 'lead')?.department).toBe(target.code);
    expectPartiesNamed(rerouted.parties);
    expect(rerouted.timeline.at(-1)!.action).toBe('reroute');
    // The rule travelled with the re-route on the stream: whichever console proposes the next dispatch holds it.
    expect(
      store.reader().prepare('SELECT department_code FROM routing_rules WHERE retired_at IS NULL').pluck().all(),
    ).toContain(target.code);
    // The next report of that category in that grid goes where the rule says, and says why.
    const next = await reportAndDispatch(first, '小区门口有人占道摆摊，堵住了人行道', at);
    const routed = await call(first, 'tickets.get', { id: next }, commander);
    expect(routed.ticket.category.code).toBe(before.ticket.category.code);
    expect(routed.ticket.department).toBe(target.name);
    expect(routed.route?.steps.map((step) => step.kind)).toContain('rule');
  });

  it('offers the county-level units by code and name, as the store holds them', async () => {
    const [first] = consoles as [ConsoleCore];
    const service = new TicketService(store, () => true);
    const counties = store
      .reader()
      .prepare('SELECT code, name, name_en AS nameEn FROM counties ORDER BY code')
      .all() as { code: string; name: string; nameEn: string }[];
    expect(counties.length).toBeGreaterThan(0);
    expect(service.counties()).toEqual(counties);
    // Every county, with or without tickets this month, for the board's county filter.
    const filters = await call(first, 'tickets.getFilters', {}, commander);
    expect(filters.counties).toEqual(counties);
    expect(filters.channels.length).toBeGreaterThan(0);
  });

  it('keeps a report’s photo as its bytes and masks the reporter', async () => {
    const [first] = consoles as [ConsoleCore];
    const posted = await post({
      text: '路面塌陷形成大坑',
      location: pointInCity(31),
      reporter: { name: '李四', phone: '13912345678' },
      photos: [{ mediaType: 'image/png', data: PNG_BYTES.toString('base64') }],
    });
    const id = await until('the photo report', async () => {
      const board = await call(first, 'tickets.list', { liveOnly: true, sort: 'newest' }, commander);
      return board.rows.find((row) => row.hubId === posted.json.id)?.id;
    });
    const detail = await call(first, 'tickets.get', { id }, commander);
    expect(detail.reporter).toBe('李** 139****5678');
    expect(detail.photos).toEqual([
      { index: 0, kind: 'inline', mediaType: 'image/png', bytes: PNG_BYTES.length, url: null },
    ]);
    const photo = await call(first, 'tickets.getPhoto', { id, index: 0 }, commander);
    expect(Buffer.from(photo.data).equals(PNG_BYTES)).toBe(true);
    const missing = await first.dispatch('tickets.getPhoto', { id, index: 1 }, commander);
    expect(missing.ok ? 'ok' : missing.error.code).toBe('refused');
  });

  it('takes a grid worker’s patrol report over the worker socket as a grid_patrol ticket', async () => {
    const [first] = consoles as [ConsoleCore];
    const worker = store.reader().prepare('SELECT id, grid_id FROM workers ORDER BY id LIMIT 1').get() as {
      id: number;
      grid_id: number;
    };
    const token = signWorkerToken(
      { w: worker.id, l1: worker.grid_id, g: [worker.grid_id], exp: Math.floor(Date.now() / 1000) + 3600 },
      loopSecrets(LOOP).worker,
    );
    const phone = io(hub.url, { transports: ['websocket'], auth: { token } });
    try {
      const ack = (await phone.timeout(5000).emitWithAck('report', {
        idempotencyKey: `patrol-${Date.now()}`,
        text: '巡查发现消防栓损坏漏水',
        location: pointInCity(37),
      })) as WorkerReportAck;
      expect(ack.ok).toBe(true);
      const hubId = (ack as { id: string }).id;
      const row = await until('the patrol ticket', async () => {
        const board = await call(first, 'tickets.list', { liveOnly: true, channels: [4], sort: 'newest' }, commander);
        return board.rows.find((candidate) => candidate.hubId === hubId);
      });
      const detail = await call(first, 'tickets.get', { id: row.id }, commander);
      expect(detail.source).toContain(`worker ${worker.id}`);
    } finally {
      phone.disconnect();
    }
  });

  it('counts live tickets in the heatmap as they come, and after a reload without rebuilding the blocks', async () => {
    const [first] = consoles as [ConsoleCore];
    const from = Math.floor(clockMs / 1000) - 3600;
    const window = { from, to: from + 7200 };
    const before = await call(first, 'tickets.getHeatmap', window, commander);
    await reportAndDispatch(first, '道路积水严重，车辆无法通行', pointInCity(41));
    const after = await call(first, 'tickets.getHeatmap', window, commander);
    expect(after.total).toBe(before.total + 1);
    const blocks = store.reader().prepare('SELECT sum(tickets) FROM ticket_blocks').pluck().get();
    const reloaded = TicketHeatmap.load(store).query(window);
    expect(reloaded.total).toBe(after.total);
    expect(store.reader().prepare('SELECT sum(tickets) FROM ticket_blocks').pluck().get()).toBe(blocks);
    const live = store.reader().prepare('SELECT count(*) FROM live_tickets').pluck().get() as number;
    const all = store.reader().prepare('SELECT count(*) FROM tickets').pluck().get() as number;
    expect(blocks).toBe(all - live);
  });

  it('rejects bad payloads at the intake without creating tickets', async () => {
    const [first] = consoles as [ConsoleCore];
    const before = (
      await call(first, 'tickets.list', { liveOnly: true, statuses: ['reported', 'dispatched'] }, commander)
    ).total;
    const noLocation = await post({ text: '没有位置' });
    expect(noLocation.status).toBe(400);
    const outside = await post({ text: '在城外', location: { lng: 116.4, lat: 39.9 } });
    expect(outside.status).toBe(400);
    const markup = await reportAndDispatch(first, "<script>alert(1)</script>'; DROP TABLE tickets; --");
    const stored = await call(first, 'tickets.get', { id: markup }, commander);
    expect(stored.text).toBe("<script>alert(1)</script>'; DROP TABLE tickets; --");
    const after = (
      await call(first, 'tickets.list', { liveOnly: true, statuses: ['reported', 'dispatched'] }, commander)
    ).total;
    expect(after).toBe(before + 1);
  });

  it('refuses, loudly, a hub whose ticket stream is not the one its store follows, and takes its own back', async () => {
    // The second console restarts pointed at another hub: a fresh log, its events numbered from 1 again.
    const other = await startLoopHub(LOOP, 'other-hub');
    const errors: string[] = [];
    try {
      // A ticket of this stream, dispatched on the second console.
      const held = await post({ text: '井盖丢失', location: pointInCity(2) });
      await until('the second console holds it', async () => {
        const board = await call(consoles[1]!, 'tickets.list', { liveOnly: true, sort: 'newest' }, secondCommander);
        return board.rows.find((row) => row.hubId === held.json.id && row.status === 'dispatched');
      });
      await consoles[1]!.close();
      const elsewhere = createConsoleCore({
        ...coreOptions(consoleDirs[1]!, other.url),
        log: { ...QUIET_LOG, error: (event) => void errors.push(event) },
      });
      consoles[1] = elsewhere;
      expect(await elsewhere.cityReady).toBe(true);
      const operator = await operatorClient(elsewhere, 'city_commander');
      const problem = await until('the stream refused', async () => {
        const status = await call(elsewhere, 'hub.getStatus', {}, operator);
        return status.ticketStreamProblem;
      });
      expect(problem.en).toMatch(/not the one this console follows/);
      expect(problem.zh).toContain('工单流');
      expect(errors).toContain('tickets.stream-mismatch');
      const before = await call(elsewhere, 'tickets.list', { liveOnly: true, sort: 'newest' }, operator);
      expect(before.total).toBeGreaterThan(0);

      // A report on the other hub is t-1 there: it must not land here, on top of this stream's t-1.
      const response = await fetch(`${other.url}/intake/v1/reports`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${INTAKE_KEY}` },
        body: JSON.stringify({ idempotencyKey: 'other-stream-0001', text: '井盖丢失', location: pointInCity() }),
      });
      expect(((await response.json()) as { id: string }).id).toBe('t-1');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await call(elsewhere, 'tickets.list', { liveOnly: true, sort: 'newest' }, operator);
      expect(after.total).toBe(before.total);
      // Nor may an operator act through it: the other hub's t-N is another ticket.
      const acting = await elsewhere.dispatch(
        'tickets.handle',
        { id: before.rows.find((row) => row.hubId === held.json.id)!.id, action: 'accept' },
        operator,
      );
      expect(acting).toMatchObject({
        ok: false,
        error: { code: 'unavailable', message: expect.stringMatching(/ticket stream/) as string },
      });

      // Back on its own hub, it catches up on what it missed meanwhile and the warning goes.
      await elsewhere.close();
      const missed = await post({ text: '路灯不亮', location: pointInCity(3) });
      expect(missed.status).toBe(201);
      const home = createConsoleCore(coreOptions(consoleDirs[1]!, hub.url));
      consoles[1] = home;
      expect(await home.cityReady).toBe(true);
      const again = await operatorClient(home, 'city_commander');
      await until('caught up on its own stream', async () => {
        const board = await call(home, 'tickets.list', { liveOnly: true, sort: 'newest' }, again);
        return board.rows.some((row) => row.hubId === missed.json.id) ? true : undefined;
      });
      expect((await call(home, 'hub.getStatus', {}, again)).ticketStreamProblem).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
