/**
 * The access gate in the real console core (issue #6): sessions per window, authority by role and scope checked in
 * the main process before a handler runs, refusals audited, the screen lock, and the two-person rule — on a small
 * generated city with a real command hub, so an allowed broadcast really goes out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../../../electron/host/console-core';
import type { CallContext } from '../../../../electron/host/dispatcher';
import { HOLD_MS } from '../../../../electron/host/held-commands';
import { createMemoryLogger } from '../../../../electron/host/logger';
import { payloadHash, type AuditEntry } from '../../../../electron/services/audit';
import { STORE_FILE } from '../../../../electron/services/store/store';
import {
  INVOKE_NAMES,
  invokeContract,
  type BroadcastDraft,
  type CallResult,
  type Confirmation,
} from '../../../../shared/contract';
import { TERRITORIAL, type Permission } from '../../../../shared/domain/authority';
import { closeAll, CONSOLE_SECRET, hub } from '../../hub/hub-fixtures';
import { addOperator, operatorClient, signIn, TEST_PASSWORD, TEST_SCRYPT } from './console-operators';

let core: ConsoleCore;
let dataDir: string;
let firstSetup: CallResult<unknown>;
/** Two county-level units, an L1 grid of the first, and grids below it and in the second. */
const city = {
  countyA: { id: 0, code: '' },
  countyB: { id: 0, code: '' },
  streetA: { id: 0, code: '' },
  gridInStreetA: 0,
  gridInCountyB: 0,
  workerInStreetA: 0,
  workerInCountyB: 0,
  allCounties: [] as number[],
};

const draft = (target: BroadcastDraft['target']): BroadcastDraft => ({
  text: '请核查辖区积水点',
  priority: 'urgent',
  target,
  ackRequired: true,
  expiresInMinutes: 30,
});

const call = (context: CallContext, name: string, input: unknown): Promise<CallResult<unknown>> =>
  core.dispatch(name, input, context);

/** The audit entries written since `afterId`, oldest first. */
function auditSince(afterId: number): AuditEntry[] {
  return core.audit
    .query({ limit: 1000 })
    .entries.filter((entry) => entry.id > afterId)
    .reverse();
}
const lastAuditId = (): number => core.audit.query({ limit: 1 }).entries[0]?.id ?? 0;

beforeAll(async () => {
  const commandHub = await hub();
  dataDir = mkdtempSync(join(tmpdir(), 'gridline-access-'));
  core = createConsoleCore({
    dataDir,
    resourcesDir: join(import.meta.dirname, '..', '..', '..', '..', 'resources'),
    host: 'web',
    version: '0.0.0-test',
    log: createMemoryLogger(),
    cityScale: 'small',
    scrypt: TEST_SCRYPT,
    hub: { url: commandHub.url, consoleSecret: CONSOLE_SECRET },
  });
  expect(await core.cityReady).toBe(true);
  const db = new Database(join(dataDir, STORE_FILE), { readonly: true });
  const [a, b] = db.prepare('SELECT id, code FROM counties ORDER BY id LIMIT 2').all() as {
    id: number;
    code: string;
  }[];
  city.countyA = a!;
  city.countyB = b!;
  city.streetA = db
    .prepare("SELECT id, code FROM grids WHERE level = 'L1' AND county_id = ? ORDER BY id LIMIT 1")
    .get(a!.id) as { id: number; code: string };
  city.gridInStreetA = db
    .prepare("SELECT id FROM grids WHERE level = 'L3' AND parent_id IN (SELECT id FROM grids WHERE parent_id = ?)")
    .pluck()
    .get(city.streetA.id) as number;
  city.gridInCountyB = db
    .prepare("SELECT id FROM grids WHERE level = 'L2' AND county_id = ? LIMIT 1")
    .pluck()
    .get(b!.id) as number;
  city.workerInStreetA = db
    .prepare('SELECT id FROM workers WHERE grid_id = ? LIMIT 1')
    .pluck()
    .get(city.gridInStreetA) as number;
  city.workerInCountyB = db
    .prepare('SELECT w.id FROM workers w JOIN grids g ON g.id = w.grid_id WHERE g.county_id = ? LIMIT 1')
    .pluck()
    .get(b!.id) as number;
  city.allCounties = db.prepare('SELECT id FROM counties ORDER BY id').pluck().all() as number[];
  db.close();
  for (const value of Object.values(city)) expect(value).toBeTruthy();
  // First start: no administrator yet, so the setup step is the only way in.
  const setupWindow: CallContext = { host: 'web', client: 'setup-window' };
  await expect(call(setupWindow, 'session.get', {})).resolves.toMatchObject({ output: { state: 'setup-required' } });
  firstSetup = await call(setupWindow, 'session.setup', {
    username: 'admin.zz',
    displayName: '系统管理员',
    password: TEST_PASSWORD,
  });
  // The console must be connected to the hub before a broadcast can go.
  const anyone = await operatorClient(core, 'viewer');
  for (let i = 0; i < 200; i++) {
    const status = (await call(anyone, 'hub.getStatus', {})) as { output: { state: string } };
    if (status.output.state === 'connected') break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}, 120_000);

afterAll(async () => {
  await core?.close();
  await closeAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('sessions per window', () => {
  it('first start creates the first administrator through setup, once, and signs that window in', async () => {
    expect(firstSetup).toMatchObject({
      ok: true,
      output: { state: 'signed-in', operator: { username: 'admin.zz', role: 'administrator' } },
    });
    const late: CallContext = { host: 'web', client: 'late-setup' };
    await expect(call(late, 'session.get', {})).resolves.toMatchObject({ output: { state: 'signed-out' } });
    await expect(
      call(late, 'session.setup', { username: 'intruder', displayName: 'x', password: TEST_PASSWORD }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(auditSince(0)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'admin.zz', action: 'session.setup', result: 'ok' }),
        expect.objectContaining({ actor: 'intruder', action: 'session.setup', result: 'refused' }),
      ]),
    );
  });

  it('a window with no one signed in gets only the public entries; a refused command is audited', async () => {
    const stranger: CallContext = { host: 'web', client: 'stranger' };
    await expect(call(stranger, 'session.get', {})).resolves.toMatchObject({
      ok: true,
      output: { state: 'signed-out', operator: null, permissions: [] },
    });
    await expect(call(stranger, 'map.getGridMetrics', { level: 'L1' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    const before = lastAuditId();
    await expect(call(stranger, 'broadcast.send', draft({ kind: 'city' }))).resolves.toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(auditSince(before)).toMatchObject([
      {
        actor: '(signed out)',
        action: 'broadcast.send',
        result: 'refused',
        reason: expect.stringMatching(/sign in/i) as unknown,
      },
    ]);
  });

  it('a failed sign-in is audited under the name tried, and no password reaches the trail, not even hashed', async () => {
    const username = await addOperator(core, 'viewer');
    const window: CallContext = { host: 'web', client: 'sign-in-window' };
    const before = lastAuditId();
    await expect(call(window, 'session.signIn', { username, password: 'wrong-password-123' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'refused', message: 'Unknown username or wrong password.' },
    });
    await signIn(core, window, username);
    const entries = auditSince(before);
    expect(entries).toMatchObject([
      { actor: username, action: 'session.signIn', result: 'refused' },
      { actor: username, action: 'session.signIn', result: 'ok' },
    ]);
    expect(entries[1]!.payloadHash).toBe(payloadHash({ username }).toString('hex'));
    await expect(call(window, 'session.signOut', {})).resolves.toMatchObject({ output: { state: 'signed-out' } });
    expect(auditSince(before).at(-1)).toMatchObject({ actor: username, action: 'session.signOut', result: 'ok' });
    await expect(call(window, 'hub.getStatus', {})).resolves.toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('a web tab resumes its session on a new connection by the resume token; a locked session stays locked', async () => {
    const username = await addOperator(core, 'viewer');
    const first: CallContext = { host: 'web', client: 'tab-1' };
    const signedIn = (await call(first, 'session.signIn', { username, password: TEST_PASSWORD })) as {
      output: { resumeToken: string };
    };
    const token = signedIn.output.resumeToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(call(first, 'session.lock', {})).resolves.toMatchObject({ output: { state: 'locked' } });
    await expect(call(first, 'hub.getStatus', {})).resolves.toMatchObject({ error: { code: 'screen-locked' } });
    expect(core.sessions.receivesEvent(first.client, 'broadcast.receipts')).toBe(false);

    core.sessions.release(first.client, false);
    const second: CallContext = { host: 'web', client: 'tab-2' };
    await expect(call(second, 'session.resume', { token })).resolves.toMatchObject({
      output: { state: 'locked', operator: { username } },
    });
    await expect(call(second, 'hub.getStatus', {})).resolves.toMatchObject({ error: { code: 'screen-locked' } });
    await expect(call(second, 'session.unlock', { password: 'not-the-password-1' })).resolves.toMatchObject({
      error: { code: 'refused' },
    });
    await expect(call(second, 'session.unlock', { password: TEST_PASSWORD })).resolves.toMatchObject({
      output: { state: 'signed-in' },
    });
    await expect(call(second, 'hub.getStatus', {})).resolves.toMatchObject({ ok: true });
    await expect(call(second, 'session.resume', { token: 'A'.repeat(43) })).resolves.toMatchObject({
      error: { code: 'unauthenticated' },
    });
  });
});

describe('authority in the main process', () => {
  it('a district commander broadcasts inside their county and is refused, audited, outside it', async () => {
    const district = await operatorClient(core, 'district_commander', { kind: 'county', code: city.countyA.code });
    const before = lastAuditId();
    const inside = await call(district, 'broadcast.send', draft({ kind: 'grids', ids: [city.gridInStreetA] }));
    expect(inside).toMatchObject({ ok: true, output: { targeted: expect.any(Number) as unknown } });
    const outside = await call(district, 'broadcast.send', draft({ kind: 'grids', ids: [city.gridInCountyB] }));
    expect(outside).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining(`county ${city.countyA.code}`) as unknown },
    });
    const both = await call(
      district,
      'broadcast.send',
      draft({ kind: 'counties', ids: [city.countyA.id, city.countyB.id] }),
    );
    expect(both).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(auditSince(before)).toMatchObject([
      {
        actor: district.username,
        action: 'broadcast.send',
        result: 'ok',
        scope: expect.stringContaining(city.countyA.code) as unknown,
      },
      {
        actor: district.username,
        action: 'broadcast.send',
        result: 'refused',
        scope: expect.stringContaining(city.countyB.code) as unknown,
      },
      { actor: district.username, action: 'broadcast.send', result: 'refused' },
    ]);
    // Preview answers, and says in advance what sending would meet.
    await expect(
      call(district, 'broadcast.preview', { target: { kind: 'grids', ids: [city.gridInCountyB] } }),
    ).resolves.toMatchObject({
      ok: true,
      output: { refusal: expect.stringContaining('scope') as unknown, needsSecondOperator: false },
    });
  });

  it('a street duty officer acts under their L1 grid only; resending follows the recorded target', async () => {
    const street = await operatorClient(core, 'street_duty_officer', { kind: 'l1', code: city.streetA.code });
    const sent = (await call(street, 'broadcast.send', draft({ kind: 'grids', ids: [city.gridInStreetA] }))) as {
      ok: boolean;
      output: { id: string };
    };
    expect(sent.ok).toBe(true);
    await expect(call(street, 'broadcast.resend', { id: sent.output.id })).resolves.toMatchObject({ ok: true });
    await expect(
      call(street, 'broadcast.send', draft({ kind: 'counties', ids: [city.countyA.id] })),
    ).resolves.toMatchObject({ error: { code: 'forbidden' } });
    // A broadcast of the whole county, sent by someone else: resending it reaches beyond this street.
    const district = await operatorClient(core, 'district_commander', { kind: 'county', code: city.countyA.code });
    const countyWide = (await call(
      district,
      'broadcast.send',
      draft({ kind: 'counties', ids: [city.countyA.id] }),
    )) as {
      output: { id: string };
    };
    await expect(call(street, 'broadcast.resend', { id: countyWide.output.id })).resolves.toMatchObject({
      error: { code: 'forbidden' },
    });
  });

  it('roles: a viewer sees but never commands; an administrator manages but never commands; a trainer only trains', async () => {
    const viewer = await operatorClient(core, 'viewer');
    const admin = await operatorClient(core, 'administrator');
    const trainer = await operatorClient(core, 'trainer');
    for (const who of [viewer, admin, trainer]) {
      await expect(call(who, 'map.getGridMetrics', { level: 'L1' })).resolves.toMatchObject({ ok: true });
      await expect(
        call(who, 'broadcast.send', draft({ kind: 'grids', ids: [city.gridInStreetA] })),
      ).resolves.toMatchObject({ error: { code: 'forbidden' } });
    }
    await expect(
      call(viewer, 'city.importFile', { path: '/nonexistent/workers.csv', kind: 'workers', crs: 'WGS-84' }),
    ).resolves.toMatchObject({ error: { code: 'forbidden' } });
    // The administrator gets past the gate: the import itself then refuses the missing file.
    await expect(
      call(admin, 'city.importFile', { path: '/nonexistent/workers.csv', kind: 'workers', crs: 'WGS-84' }),
    ).resolves.toMatchObject({ error: { code: 'refused' } });
  });

  it("a worker's personal details: inside the scope, and every read audited; outside it refused and audited", async () => {
    const street = await operatorClient(core, 'street_duty_officer', { kind: 'l1', code: city.streetA.code });
    const before = lastAuditId();
    await expect(call(street, 'workers.getPersonal', { id: city.workerInStreetA })).resolves.toMatchObject({
      ok: true,
      output: { id: city.workerInStreetA, name: expect.any(String) as unknown },
    });
    await expect(call(street, 'workers.getPersonal', { id: city.workerInCountyB })).resolves.toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(auditSince(before)).toMatchObject([
      {
        actor: street.username,
        action: 'workers.getPersonal',
        result: 'ok',
        scope: expect.stringContaining(city.streetA.code) as unknown,
      },
      { actor: street.username, action: 'workers.getPersonal', result: 'refused' },
    ]);
  });

  it('every territorial entry resolves its area in the main process (none answers internal)', async () => {
    const commander = await operatorClient(core, 'city_commander');
    const territorial = INVOKE_NAMES.filter((name) => TERRITORIAL.has(invokeContract[name].permission as Permission));
    expect(territorial).toEqual(expect.arrayContaining(['broadcast.send', 'broadcast.resend', 'workers.getPersonal']));
    for (const name of territorial) {
      const result = await call(commander, name, invokeContract[name].example);
      if (!result.ok) expect(result.error.code, name).not.toBe('internal');
    }
  });
});

const latestState = async (context: CallContext, id: string): Promise<string | undefined> => {
  const list = (await call(context, 'confirmations.list', {})) as { output: Confirmation[] };
  return list.output.find((confirmation) => confirmation.id === id)?.state;
};

describe('the two-person rule', () => {
  const latest = async (context: CallContext, id: string): Promise<Confirmation> => {
    const list = (await call(context, 'confirmations.list', {})) as { output: Confirmation[] };
    return list.output.find((confirmation) => confirmation.id === id)!;
  };

  it('holds a city-wide broadcast until another commander confirms it from their own session', async () => {
    const first = await operatorClient(core, 'city_commander');
    const second = await operatorClient(core, 'city_commander');
    const viewer = await operatorClient(core, 'viewer');
    const district = await operatorClient(core, 'district_commander', { kind: 'county', code: city.countyA.code });
    const seen: Confirmation[] = [];
    const stop = core.events.connect((name, payload) => {
      if (name === 'confirmations.changed') seen.push(payload as Confirmation);
    });
    const before = lastAuditId();
    const held = await call(first, 'broadcast.send', draft({ kind: 'city' }));
    expect(held).toMatchObject({
      ok: false,
      error: { code: 'needs-confirmation', ref: expect.stringMatching(/^c-/) as unknown },
    });
    const id = (held as { error: { ref: string } }).error.ref;
    expect(await latest(viewer, id)).toMatchObject({
      state: 'pending',
      action: 'broadcast.send',
      requestedBy: { username: first.username },
      summary: expect.stringContaining('请核查辖区积水点') as unknown,
    });

    await expect(call(first, 'confirmations.approve', { id })).resolves.toMatchObject({
      error: { code: 'refused', message: expect.stringMatching(/second operator/) as unknown },
    });
    await expect(call(viewer, 'confirmations.approve', { id })).resolves.toMatchObject({
      error: { code: 'forbidden' },
    });
    await expect(call(district, 'confirmations.approve', { id })).resolves.toMatchObject({
      error: { code: 'forbidden' },
    });
    const approved = await call(second, 'confirmations.approve', { id });
    expect(approved).toMatchObject({
      ok: true,
      output: {
        state: 'approved',
        decidedBy: { username: second.username },
        outcome: expect.stringMatching(/^b-/) as unknown,
      },
    });
    // Only once.
    await expect(call(second, 'confirmations.approve', { id })).resolves.toMatchObject({
      error: { code: 'refused', message: expect.stringContaining('approved already') as unknown },
    });
    stop();
    expect(seen.map((confirmation) => confirmation.state)).toEqual(['pending', 'approved']);

    const trail = auditSince(before).map(({ actor, action, result }) => ({ actor, action, result }));
    expect(trail).toEqual(
      expect.arrayContaining([
        { actor: first.username, action: 'confirmations.request', result: 'ok' },
        { actor: first.username, action: 'confirmations.approve', result: 'refused' },
        { actor: viewer.username, action: 'confirmations.approve', result: 'refused' },
        { actor: second.username, action: 'confirmations.approved', result: 'ok' },
        { actor: first.username, action: 'broadcast.send', result: 'ok' },
        { actor: second.username, action: 'confirmations.approve', result: 'ok' },
      ]),
    );
    const broadcasts = (await call(first, 'broadcast.list', {})) as { output: { id: string }[] };
    expect(broadcasts.output.map((broadcast) => broadcast.id)).toContain(
      (approved as { output: Confirmation }).output.outcome,
    );
  });

  it('every county picked one by one is the whole city too, and is held the same way', async () => {
    const commander = await operatorClient(core, 'city_commander');
    const held = await call(commander, 'broadcast.send', draft({ kind: 'counties', ids: city.allCounties }));
    expect(held).toMatchObject({ ok: false, error: { code: 'needs-confirmation' } });
    await expect(
      call(commander, 'broadcast.preview', { target: { kind: 'counties', ids: city.allCounties } }),
    ).resolves.toMatchObject({ output: { needsSecondOperator: true, refusal: null } });
    await call(commander, 'confirmations.reject', { id: (held as { error: { ref: string } }).error.ref });
    // One county fewer is not.
    await expect(
      call(commander, 'broadcast.preview', { target: { kind: 'counties', ids: city.allCounties.slice(1) } }),
    ).resolves.toMatchObject({ output: { needsSecondOperator: false } });
  });

  it('an expired request is on the trail under the operator who asked', async () => {
    const commander = await operatorClient(core, 'city_commander');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const held = (await call(commander, 'broadcast.send', draft({ kind: 'city' }))) as { error: { ref: string } };
      const before = lastAuditId();
      vi.advanceTimersByTime(HOLD_MS + 1);
      expect(await latestState(commander, held.error.ref)).toBe('expired');
      expect(auditSince(before)).toMatchObject([
        { actor: commander.username, action: 'confirmations.expired', result: 'ok' },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the requester may withdraw; another commander may refuse; either way nothing is sent', async () => {
    const first = await operatorClient(core, 'city_commander');
    const second = await operatorClient(core, 'city_commander');
    const count = async (): Promise<number> =>
      ((await call(first, 'broadcast.list', {})) as { output: unknown[] }).output.length;
    const sentBefore = await count();
    const withdraw = (await call(first, 'broadcast.send', draft({ kind: 'city' }))) as { error: { ref: string } };
    await expect(call(first, 'confirmations.reject', { id: withdraw.error.ref })).resolves.toMatchObject({
      output: { state: 'cancelled' },
    });
    const refuse = (await call(first, 'broadcast.send', draft({ kind: 'city' }))) as { error: { ref: string } };
    await expect(call(second, 'confirmations.reject', { id: refuse.error.ref })).resolves.toMatchObject({
      output: { state: 'rejected', decidedBy: { username: second.username } },
    });
    await expect(call(second, 'confirmations.approve', { id: refuse.error.ref })).resolves.toMatchObject({
      error: { code: 'refused' },
    });
    expect(await count()).toBe(sentBefore);
  });

  it('an administrator may turn the rule off: a city-wide broadcast then goes at once', async () => {
    const commander = await operatorClient(core, 'city_commander');
    core.identity.updatePolicy({ twoPersonRule: false });
    try {
      await expect(call(commander, 'broadcast.send', draft({ kind: 'city' }))).resolves.toMatchObject({ ok: true });
      await expect(call(commander, 'session.get', {})).resolves.toMatchObject({ output: { twoPersonRule: false } });
    } finally {
      core.identity.updatePolicy({ twoPersonRule: true });
    }
  });
});

describe('the trail', () => {
  it('verifies after everything above', async () => {
    await expect(core.audit.verify()).resolves.toMatchObject({ ok: true, firstBad: null });
  });
});
