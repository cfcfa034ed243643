/**
 * User and policy administration (`users.*`, issue #6) through the real dispatcher and a real store: the entries'
 * schemas, the handlers, the identity service. The gate is a stand-in that admits every call as the acting
 * administrator and keeps what the audit trail would be given.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditedPayload } from '../../../../electron/host/access-control';
import { createDispatcher, type CallGate, type Handlers } from '../../../../electron/host/dispatcher';
import { createMemoryLogger } from '../../../../electron/host/logger';
import { usersHandlers } from '../../../../electron/host/users-handlers';
import type { Operator } from '../../../../electron/services/identity';
import type { CallResult, InvokeInput, InvokeName, InvokeOutput } from '../../../../shared/contract';
import { SCOPE_OPTIONS_LIMIT } from '../../../../shared/contract/users-contract';
import {
  GOOD_PASSWORD,
  OTHER_PASSWORD,
  identityHarness,
  type IdentityHarness,
} from '../services/identity/identity-fixtures';

const MINUTE = 60_000;
type UsersName = Extract<InvokeName, `users.${string}`>;

let harness: IdentityHarness;
let log: ReturnType<typeof createMemoryLogger>;
/** Who the gate says is calling. */
let actor: Operator;
/** Every reply, and what the audit trail was handed: no password may be in any of them. */
let replies: unknown[];
let audited: unknown[];
let dispatch: ReturnType<typeof createDispatcher>['dispatch'];

beforeEach(async () => {
  log = createMemoryLogger();
  harness = identityHarness({ log });
  actor = await harness.identity.setupFirstAdministrator({
    username: 'chen.li',
    displayName: '陈丽',
    password: GOOD_PASSWORD,
  });
  replies = [];
  audited = [];
  const gate: CallGate = {
    admit: (_name, _input, context) => ({ ok: true, context: { ...context, operator: actor } }),
    audits: () => true,
    record: (name, input, _context, _area, result, reason) =>
      void audited.push({ name, payload: auditedPayload(input), result, reason }),
  };
  // Only the users.* handlers exist here; the dispatcher never reaches another name in these tests.
  const handlers = usersHandlers(harness.identity, harness.store) as Handlers;
  dispatch = createDispatcher(handlers, log, gate).dispatch;
});
afterEach(() => {
  // Whatever happened in the test, no password reached a reply, the log or the audit trail.
  const everything = JSON.stringify([replies, log.entries, audited]);
  for (const secret of [GOOD_PASSWORD, OTHER_PASSWORD, 'weakling', 'scrypt']) expect(everything).not.toContain(secret);
  harness.close();
});

async function call<N extends UsersName>(name: N, input: InvokeInput<N>): Promise<CallResult<InvokeOutput<N>>> {
  const result = (await dispatch(name, input, { host: 'web', client: 'admin-window' })) as CallResult<InvokeOutput<N>>;
  replies.push(result);
  return result;
}

/** The output of a call that must succeed. */
async function ok<N extends UsersName>(name: N, input: InvokeInput<N>): Promise<InvokeOutput<N>> {
  const result = await call(name, input);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.output;
}

/** The error of a call that must fail. */
async function refusal<N extends UsersName>(name: N, input: unknown): Promise<{ code: string; message: string }> {
  const result = await call(name, input as InvokeInput<N>);
  if (result.ok) throw new Error(`${name} succeeded: ${JSON.stringify(result.output)}`);
  return result.error;
}

const operatorsTable = (): unknown[] => harness.store.writer.prepare('SELECT * FROM operators ORDER BY id').all();

const addDistrictCommander = () =>
  ok('users.add', {
    username: 'zhao.qiang',
    displayName: '赵强',
    role: 'district_commander',
    scopeCode: '410102',
    password: GOOD_PASSWORD,
  });

const signIn = (username: string, password: string) =>
  harness.identity.signIn({ kind: 'password', username, password });

describe('users.add and users.list', () => {
  it('adds operators scoped by code and lists them with scope names, state and sessions, never a password', async () => {
    const added = await addDistrictCommander();
    expect(added).toEqual({
      username: 'zhao.qiang',
      displayName: '赵强',
      role: 'district_commander',
      scope: { kind: 'county', code: '410102' },
      scopeName: '中原区',
      disabled: false,
      lockedUntil: null,
      activeSessions: 0,
      createdAt: harness.clock.now(),
      updatedAt: harness.clock.now(),
    });
    await ok('users.add', {
      username: 'LIU.Yang',
      displayName: '刘洋',
      role: 'street_duty_officer',
      scopeCode: ' ZY-01 ',
      password: OTHER_PASSWORD,
    });
    await ok('users.add', { username: 'sun.li', displayName: '孙丽', role: 'viewer', password: GOOD_PASSWORD });
    await signIn('zhao.qiang', GOOD_PASSWORD);

    const list = await ok('users.list', {});
    expect(list.map((operator) => [operator.username, operator.scopeName, operator.activeSessions])).toEqual([
      ['chen.li', null, 0],
      ['liu.yang', '林山寨街道', 0],
      ['sun.li', null, 0],
      ['zhao.qiang', '中原区', 1],
    ]);
    expect(list[1]!.scope).toEqual({ kind: 'l1', code: 'ZY-01' });
    expect(JSON.stringify(list)).not.toMatch(/password|hash|"id"/i);
    // The audit trail gets the request without its password.
    expect(audited[0]).toMatchObject({
      name: 'users.add',
      payload: { username: 'zhao.qiang', role: 'district_commander' },
    });
    expect(JSON.stringify(audited)).not.toContain('password');
  });

  it.each([
    ['a weak password', { password: 'weakling' }, /The password is not accepted: it must be at least 12 characters/],
    ['a password with the username', { password: 'zhao.qiang-lantern-91' }, /must not contain the username/],
    ['a taken username in another case', { username: 'Chen.Li' }, /The username "chen.li" is taken/],
    ['a malformed username', { username: 'zhao qiang' }, /Invalid username: usernames are 3 to 32 characters/],
    ['a county the city lacks', { scopeCode: '419999' }, /No county-level unit has code "419999"/],
    ['no county for a district commander', { scopeCode: undefined }, /acts in one county-level unit/],
    ['a scope for a city-wide role', { role: 'city_commander' }, /acts in the whole city/],
    ['an L2 grid for a street', { role: 'street_duty_officer', scopeCode: 'ZY-01-01' }, /is an L2 grid/],
  ])('refuses %s with the identity service message, and adds nothing', async (_title, patch, message) => {
    const before = operatorsTable();
    const error = await refusal('users.add', {
      username: 'zhao.qiang',
      displayName: '赵强',
      role: 'district_commander',
      scopeCode: '410102',
      password: GOOD_PASSWORD,
      ...patch,
    });
    expect(error.code).toBe('refused');
    expect(error.message).toMatch(message);
    expect(operatorsTable()).toEqual(before);
  });

  it.each([
    ['an unknown role', { username: 'a.b.c', displayName: 'A', role: 'mayor', password: GOOD_PASSWORD }],
    ['no password', { username: 'a.b.c', displayName: 'A', role: 'viewer' }],
    ['a blank display name', { username: 'a.b.c', displayName: '  ', role: 'viewer', password: GOOD_PASSWORD }],
    ['an extra key', { username: 'a.b.c', displayName: 'A', role: 'viewer', password: GOOD_PASSWORD, disabled: true }],
    ['a numeric scope code', { username: 'a.b.c', displayName: 'A', role: 'viewer', scopeCode: 410102, password: 'x' }],
  ])('refuses %s as invalid input before any handler runs', async (_title, input) => {
    const error = await refusal('users.add', input);
    expect(error.code).toBe('invalid-input');
    expect(operatorsTable()).toHaveLength(1);
  });
});

describe('users.update', () => {
  it('changes the display name and keeps role, scope and sessions', async () => {
    await addDistrictCommander();
    await signIn('zhao.qiang', GOOD_PASSWORD);
    harness.clock.advance(MINUTE);
    const updated = await ok('users.update', {
      username: 'zhao.qiang',
      displayName: ' 赵 强 ',
      role: 'district_commander',
    });
    expect(updated).toMatchObject({
      displayName: '赵 强',
      role: 'district_commander',
      scope: { kind: 'county', code: '410102' },
      activeSessions: 1,
      updatedAt: harness.clock.now(),
    });
  });

  it('moves an operator to another scope or role, which ends their sessions', async () => {
    await addDistrictCommander();
    await signIn('zhao.qiang', GOOD_PASSWORD);
    expect(await ok('users.update', { username: 'zhao.qiang', scopeCode: '410105' })).toMatchObject({
      scope: { kind: 'county', code: '410105' },
      scopeName: '金水区',
      activeSessions: 0,
    });
    expect(
      await ok('users.update', { username: 'zhao.qiang', role: 'street_duty_officer', scopeCode: 'ZY-01' }),
    ).toMatchObject({ role: 'street_duty_officer', scope: { kind: 'l1', code: 'ZY-01' }, scopeName: '林山寨街道' });
    expect(await ok('users.update', { username: 'zhao.qiang', role: 'viewer' })).toMatchObject({
      role: 'viewer',
      scope: { kind: 'city' },
      scopeName: null,
    });
    expect(await ok('users.update', { username: 'zhao.qiang', scopeCode: '410105' })).toMatchObject({
      scope: { kind: 'county', code: '410105' },
    });
    expect(await ok('users.update', { username: 'zhao.qiang', scopeCode: '' })).toMatchObject({
      scope: { kind: 'city' },
    });
  });

  it.each([
    ['a new role that needs a scope, without one', { role: 'district_commander' }, /acts in one county-level unit/],
    ['a scope for a city-wide role', { role: 'trainer', scopeCode: '410102' }, /acts in the whole city/],
    ['an unknown grid', { role: 'street_duty_officer', scopeCode: 'NOPE' }, /No grid has code "NOPE"/],
    ['an unknown operator', { username: 'nobody' }, /No operator is named "nobody"/],
    ['a malformed username', { username: '??' }, /Invalid username/],
  ])('refuses %s, changing nothing', async (_title, patch, message) => {
    await ok('users.add', { username: 'sun.li', displayName: '孙丽', role: 'viewer', password: GOOD_PASSWORD });
    const before = operatorsTable();
    const error = await refusal('users.update', { username: 'sun.li', ...patch });
    expect(error).toMatchObject({ code: 'refused', message: expect.stringMatching(message) as unknown });
    expect(operatorsTable()).toEqual(before);
  });

  it('refuses to demote the last enabled administrator, the caller included', async () => {
    const before = operatorsTable();
    const error = await refusal('users.update', { username: 'chen.li', role: 'city_commander' });
    expect(error).toEqual({
      code: 'refused',
      message: 'This is the last enabled administrator: add or enable another administrator first.',
    });
    expect(operatorsTable()).toEqual(before);
    expect(audited.at(-1)).toMatchObject({ name: 'users.update', result: 'refused' });

    // With a second administrator, one may step down.
    await ok('users.add', {
      username: 'wang.fang',
      displayName: '王芳',
      role: 'administrator',
      password: OTHER_PASSWORD,
    });
    expect(await ok('users.update', { username: 'chen.li', role: 'city_commander' })).toMatchObject({
      role: 'city_commander',
    });
  });
});

describe('users.setDisabled', () => {
  it('disables an operator (ending their sessions and refusing their sign-in) and enables them again', async () => {
    await addDistrictCommander();
    await signIn('zhao.qiang', GOOD_PASSWORD);
    expect(await ok('users.setDisabled', { username: 'zhao.qiang', disabled: true })).toMatchObject({
      disabled: true,
      activeSessions: 0,
    });
    await expect(signIn('zhao.qiang', GOOD_PASSWORD)).rejects.toMatchObject({ code: 'disabled' });
    expect(await ok('users.setDisabled', { username: 'zhao.qiang', disabled: false })).toMatchObject({
      disabled: false,
    });
    await expect(signIn('zhao.qiang', GOOD_PASSWORD)).resolves.toBeDefined();
  });

  it('refuses to disable your own account, and the last enabled administrator by anyone', async () => {
    await ok('users.add', {
      username: 'wang.fang',
      displayName: '王芳',
      role: 'administrator',
      password: OTHER_PASSWORD,
    });
    const before = operatorsTable();
    expect(await refusal('users.setDisabled', { username: ' CHEN.LI ', disabled: true })).toEqual({
      code: 'refused',
      message: 'You cannot disable your own account: another administrator must do it.',
    });
    expect(operatorsTable()).toEqual(before);

    // chen.li disables wang.fang; then wang.fang (still signed in elsewhere, say) cannot disable chen.li, the last.
    await ok('users.setDisabled', { username: 'wang.fang', disabled: true });
    actor = harness.identity.getOperator('wang.fang');
    expect(await refusal('users.setDisabled', { username: 'chen.li', disabled: true })).toMatchObject({
      code: 'refused',
      message: expect.stringMatching(/last enabled administrator/) as unknown,
    });
    expect(harness.identity.getOperator('chen.li').disabled).toBe(false);
  });

  it('answers an unknown operator and a malformed request with typed errors', async () => {
    expect(await refusal('users.setDisabled', { username: 'nobody', disabled: true })).toMatchObject({
      code: 'refused',
    });
    expect(await refusal('users.setDisabled', { username: 'nobody', disabled: 'yes' })).toMatchObject({
      code: 'invalid-input',
    });
  });
});

describe('users.resetPassword and users.unlock', () => {
  it('sets a new password that is checked by the policy, ends sessions and lifts the lock', async () => {
    await addDistrictCommander();
    await signIn('zhao.qiang', GOOD_PASSWORD);
    for (let i = 0; i < 5; i++) await signIn('zhao.qiang', `wrong-guess-${i}`).catch(() => undefined);
    expect((await ok('users.list', {})).find((o) => o.username === 'zhao.qiang')).toMatchObject({
      lockedUntil: harness.clock.now() + 15 * MINUTE,
      activeSessions: 1,
    });

    const weak = await refusal('users.resetPassword', { username: 'zhao.qiang', password: 'weakling' });
    expect(weak).toMatchObject({
      code: 'refused',
      message: expect.stringMatching(/^The password is not accepted/) as unknown,
    });
    expect((await ok('users.list', {})).find((o) => o.username === 'zhao.qiang')?.lockedUntil).not.toBeNull();

    expect(await ok('users.resetPassword', { username: 'zhao.qiang', password: OTHER_PASSWORD })).toMatchObject({
      lockedUntil: null,
      activeSessions: 0,
    });
    await expect(signIn('zhao.qiang', GOOD_PASSWORD)).rejects.toMatchObject({ code: 'invalid-credentials' });
    await expect(signIn('zhao.qiang', OTHER_PASSWORD)).resolves.toBeDefined();
  });

  it('unlocks a locked operator, and refuses an unknown one', async () => {
    await addDistrictCommander();
    for (let i = 0; i < 5; i++) await signIn('zhao.qiang', `wrong-guess-${i}`).catch(() => undefined);
    await expect(signIn('zhao.qiang', GOOD_PASSWORD)).rejects.toMatchObject({ code: 'locked' });
    expect(await ok('users.unlock', { username: 'Zhao.Qiang' })).toMatchObject({
      username: 'zhao.qiang',
      lockedUntil: null,
    });
    await expect(signIn('zhao.qiang', GOOD_PASSWORD)).resolves.toBeDefined();
    expect(await refusal('users.unlock', { username: 'nobody' })).toEqual({
      code: 'refused',
      message: 'No operator is named "nobody".',
    });
    expect(await refusal('users.unlock', { username: '' })).toMatchObject({ code: 'invalid-input' });
  });
});

describe('users.getPolicy and users.updatePolicy', () => {
  it('answers the policy with the password rules and changes part of it, for good', async () => {
    const initial = await ok('users.getPolicy', {});
    expect(initial).toEqual({
      policy: {
        maxFailures: 5,
        failureWindowMs: 15 * MINUTE,
        lockoutMs: 15 * MINUTE,
        maxLockoutMs: 24 * 60 * MINUTE,
        sessionLifetimeMs: 12 * 60 * MINUTE,
        sessionIdleMs: 60 * MINUTE,
        screenLockIdleMs: 5 * MINUTE,
        twoPersonRule: true,
      },
      password: { minLength: 12, maxLength: 256 },
    });
    const updated = await ok('users.updatePolicy', {
      twoPersonRule: false,
      screenLockIdleMs: 10 * MINUTE,
      maxFailures: 3,
      lockoutMs: 30 * MINUTE,
    });
    expect(updated.policy).toEqual({
      ...initial.policy,
      twoPersonRule: false,
      screenLockIdleMs: 10 * MINUTE,
      maxFailures: 3,
      lockoutMs: 30 * MINUTE,
    });
    harness.restart();
    expect(harness.identity.getPolicy()).toEqual(updated.policy);
  });

  it('refuses a policy whose times contradict each other, with the reason, and keeps the old one', async () => {
    const before = await ok('users.getPolicy', {});
    const error = await refusal('users.updatePolicy', { screenLockIdleMs: 2 * 60 * MINUTE });
    expect(error.code).toBe('refused');
    expect(error.message).toMatch(/screenLockIdleMs must not exceed sessionIdleMs/);
    expect(await refusal('users.updatePolicy', { lockoutMs: 2 * 24 * 60 * MINUTE })).toMatchObject({
      code: 'refused',
      message: expect.stringMatching(/maxLockoutMs must be at least lockoutMs/) as unknown,
    });
    expect(await ok('users.getPolicy', {})).toEqual(before);
  });

  it.each([{ maxFailures: 0 }, { screenLockIdleMs: 1000 }, { twoPersonRule: 'no' }, { minPasswordLength: 8 }])(
    'refuses %j as invalid input',
    async (input) => {
      expect(await refusal('users.updatePolicy', input)).toMatchObject({ code: 'invalid-input' });
    },
  );
});

describe('users.scopeOptions', () => {
  it('offers counties to a district commander, by name or code', async () => {
    expect(await ok('users.scopeOptions', { role: 'district_commander', query: '金水' })).toEqual({
      options: [{ kind: 'county', code: '410105', name: '金水区', parent: null }],
      more: false,
    });
    expect(await ok('users.scopeOptions', { role: 'district_commander', query: 'jinshui' })).toMatchObject({
      options: [{ code: '410105' }],
    });
    expect(
      (await ok('users.scopeOptions', { role: 'district_commander', query: '4101' })).options.map((o) => o.code),
    ).toEqual(['410102', '410105']);
  });

  it('offers L1 grids (never finer ones) to a street duty officer, and both to a viewer', async () => {
    expect(await ok('users.scopeOptions', { role: 'street_duty_officer', query: 'zy' })).toEqual({
      options: [{ kind: 'l1', code: 'ZY-01', name: '林山寨街道', parent: '中原区' }],
      more: false,
    });
    expect(await ok('users.scopeOptions', { role: 'street_duty_officer', query: '林山寨一' })).toEqual({
      options: [],
      more: false,
    });
    expect(
      (await ok('users.scopeOptions', { role: 'viewer', query: '' })).options.map((o) => `${o.kind}:${o.code}`),
    ).toEqual(['county:410102', 'county:410105', 'l1:ZY-01']);
  });

  it('offers nothing to a city-wide role, and matches % and _ literally', async () => {
    expect(await ok('users.scopeOptions', { role: 'city_commander', query: '' })).toEqual({ options: [], more: false });
    expect(await ok('users.scopeOptions', { role: 'viewer', query: '%' })).toEqual({ options: [], more: false });
    expect(await ok('users.scopeOptions', { role: 'viewer', query: '_' })).toEqual({ options: [], more: false });
  });

  it(`answers at most ${SCOPE_OPTIONS_LIMIT} options and says there are more`, async () => {
    const insert = harness.store.writer.prepare(
      `INSERT INTO grids (code, name, level, parent_id, county_id, type, geometry, min_lon, min_lat, max_lon, max_lat,
         centroid_lon, centroid_lat, area_km2) VALUES (?, ?, 'L1', NULL, 2, 'urban', ?, 0, 0, 1, 1, 0.5, 0.5, 1)`,
    );
    for (let i = 0; i < 30; i++) insert.run(`JS-${String(i).padStart(2, '0')}`, `金水街道${i}`, Buffer.alloc(16));
    const answer = await ok('users.scopeOptions', { role: 'viewer', query: '金水' });
    expect(answer.options).toHaveLength(SCOPE_OPTIONS_LIMIT);
    expect(answer.more).toBe(true);
    expect(answer.options[0]).toEqual({ kind: 'county', code: '410105', name: '金水区', parent: null });
    expect(answer.options[1]).toEqual({ kind: 'l1', code: 'JS-00', name: '金水街道0', parent: '金水区' });
    const exact = await ok('users.scopeOptions', { role: 'street_duty_officer', query: 'js-29' });
    expect(exact.options.map((o) => o.code)).toEqual(['JS-29']);
  });

  it('refuses an unknown role or a long query as invalid input', async () => {
    expect(await refusal('users.scopeOptions', { role: 'mayor', query: '' })).toMatchObject({ code: 'invalid-input' });
    expect(await refusal('users.scopeOptions', { role: 'viewer', query: 'x'.repeat(65) })).toMatchObject({
      code: 'invalid-input',
    });
  });
});

describe('the log', () => {
  it('records no handler failure across all of the above', async () => {
    await addDistrictCommander();
    await refusal('users.add', { username: 'x', displayName: 'x', role: 'viewer', password: 'weakling' });
    expect(log.entries.filter((entry) => entry.event === 'contract.handler-failed')).toEqual([]);
  });
});
