import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdentityService } from '../../../../../electron/services/identity';
import { openStore } from '../../../../../electron/services/store/store';
import { GOOD_PASSWORD, OTHER_PASSWORD, identityHarness, type IdentityHarness } from './identity-fixtures';

let harness: IdentityHarness;
beforeEach(async () => {
  harness = identityHarness();
  await harness.identity.setupFirstAdministrator({ username: 'chen.li', displayName: '陈丽', password: GOOD_PASSWORD });
});
afterEach(() => harness.close());

const add = (
  username: string,
  role: Parameters<IdentityHarness['identity']['addOperator']>[0]['role'],
  scope?: string,
) =>
  harness.identity.addOperator({
    username,
    displayName: username,
    role,
    scope: harness.identity.scopeFromCode(role, scope),
    password: GOOD_PASSWORD,
  });

describe('operators', () => {
  it('scopes a district commander to a county and a street duty officer to an L1 grid, by code', async () => {
    expect(await add('zhao.qiang', 'district_commander', '410102')).toMatchObject({
      role: 'district_commander',
      scope: { kind: 'county', code: '410102' },
    });
    expect(await add('liu.yang', 'street_duty_officer', 'ZY-01')).toMatchObject({
      scope: { kind: 'l1', code: 'ZY-01' },
    });
    expect(await add('sun.li', 'viewer', '410105')).toMatchObject({ scope: { kind: 'county', code: '410105' } });
    expect(await add('zhou.wei', 'viewer', 'ZY-01')).toMatchObject({ scope: { kind: 'l1', code: 'ZY-01' } });
    expect(await add('wu.min', 'city_commander')).toMatchObject({ scope: { kind: 'city' } });
  });

  it.each([
    ['a district commander without a county', 'district_commander', undefined, /acts in one county-level unit/],
    ['a district commander over an unknown county', 'district_commander', '419999', /No county-level unit has code/],
    ['a street duty officer over an L2 grid', 'street_duty_officer', 'ZY-01-01', /is an L2 grid; a street scope/],
    ['a street duty officer over no grid', 'street_duty_officer', 'NOPE', /No grid has code "NOPE"/],
    ['a city commander with a scope', 'city_commander', '410102', /acts in the whole city/],
    ['a trainer with a scope', 'trainer', 'ZY-01', /acts in the whole city/],
  ] as const)('refuses %s', async (_title, role, scope, message) => {
    await expect(
      (async () =>
        harness.identity.addOperator({
          username: 'someone',
          displayName: 'S',
          role,
          scope: harness.identity.scopeFromCode(role, scope),
          password: GOOD_PASSWORD,
        }))(),
    ).rejects.toThrow(message);
  });

  it.each([
    ['a taken username in another case', { username: 'CHEN.LI' }, /is taken/],
    ['a username with spaces', { username: 'chen li' }, /Invalid username/],
    ['a two-letter username', { username: 'cl' }, /Invalid username/],
    ['an empty display name', { displayName: '   ' }, /Invalid display name/],
    ['an unknown role', { role: 'mayor' }, /Invalid role: mayor/],
  ])('refuses %s', async (_title, patch, message) => {
    const input = { username: 'new.one', displayName: 'N', role: 'viewer', password: GOOD_PASSWORD, ...patch };
    await expect(harness.identity.addOperator(input as never)).rejects.toThrow(message);
  });

  it('accepts a username typed with a Chinese IME (full-width letters) as its ASCII form', async () => {
    expect((await add('ｌｉ．ｎａ', 'viewer')).username).toBe('li.na');
  });

  it('never returns or lists a password hash', async () => {
    await add('zhao.qiang', 'district_commander', '410102');
    const everything = JSON.stringify([harness.identity.listOperators(), harness.identity.getOperator('zhao.qiang')]);
    expect(everything).not.toMatch(/scrypt|password/i);
  });

  it('lists scope names from the current city, and says when the city no longer has the code', async () => {
    await add('zhao.qiang', 'district_commander', '410102');
    await add('liu.yang', 'street_duty_officer', 'ZY-01');
    harness.store.writer.prepare("UPDATE grids SET code = 'ZY-99' WHERE code = 'ZY-01'").run();
    const listing = Object.fromEntries(harness.identity.listOperators().map((o) => [o.username, o.scopeName]));
    expect(listing).toEqual({ 'chen.li': null, 'zhao.qiang': '中原区', 'liu.yang': null });
  });

  it('changes role and scope together, and ends the sessions of an operator whose authority changed', async () => {
    await add('zhao.qiang', 'district_commander', '410102');
    const { token } = await harness.identity.signIn({
      kind: 'password',
      username: 'zhao.qiang',
      password: GOOD_PASSWORD,
    });
    expect(() => harness.identity.updateOperator('zhao.qiang', { role: 'street_duty_officer' })).toThrow(
      /acts in one L1 street grid/,
    );
    const moved = harness.identity.updateOperator('zhao.qiang', {
      role: 'street_duty_officer',
      scope: { kind: 'l1', code: 'ZY-01' },
    });
    expect(moved).toMatchObject({ role: 'street_duty_officer', scope: { kind: 'l1', code: 'ZY-01' } });
    expect(() => harness.identity.sessions.validate(token)).toThrow(/session has ended/);
  });

  it('keeps an enabled administrator: the last one cannot be disabled or demoted', async () => {
    expect(() => harness.identity.setDisabled('chen.li', true)).toThrow(/last enabled administrator/);
    expect(() => harness.identity.updateOperator('chen.li', { role: 'viewer' })).toThrow(/last enabled administrator/);
    await add('second.admin', 'administrator');
    expect(harness.identity.setDisabled('chen.li', true).disabled).toBe(true);
    expect(harness.identity.setDisabled('chen.li', false).disabled).toBe(false);
  });

  it('disabling refuses the right password with its own message and ends every session', async () => {
    await add('zhao.qiang', 'district_commander', '410102');
    const { token } = await harness.identity.signIn({
      kind: 'password',
      username: 'zhao.qiang',
      password: GOOD_PASSWORD,
    });
    harness.identity.setDisabled('zhao.qiang', true);
    expect(() => harness.identity.sessions.validate(token)).toThrow(/session has ended/);
    await expect(
      harness.identity.signIn({ kind: 'password', username: 'zhao.qiang', password: GOOD_PASSWORD }),
    ).rejects.toMatchObject({ code: 'disabled' });
    // A wrong password for a disabled account still gets the one generic answer.
    await expect(
      harness.identity.signIn({ kind: 'password', username: 'zhao.qiang', password: OTHER_PASSWORD }),
    ).rejects.toMatchObject({ code: 'invalid-credentials' });
  });

  it('resets a password: the old one stops working, sessions end, the new one is policy-checked', async () => {
    await add('zhao.qiang', 'district_commander', '410102');
    const { token } = await harness.identity.signIn({
      kind: 'password',
      username: 'zhao.qiang',
      password: GOOD_PASSWORD,
    });
    await expect(harness.identity.resetPassword('zhao.qiang', 'zhao.qiang-2025!')).rejects.toThrow(/username/);
    await harness.identity.resetPassword('zhao.qiang', OTHER_PASSWORD);
    expect(() => harness.identity.sessions.validate(token)).toThrow(/session has ended/);
    await expect(
      harness.identity.signIn({ kind: 'password', username: 'zhao.qiang', password: GOOD_PASSWORD }),
    ).rejects.toMatchObject({ code: 'invalid-credentials' });
    await expect(
      harness.identity.signIn({ kind: 'password', username: 'zhao.qiang', password: OTHER_PASSWORD }),
    ).resolves.toMatchObject({ operator: { username: 'zhao.qiang' } });
  });

  it('re-hashes a password made at a lower cost at the next good sign-in', async () => {
    const hashOf = (): string =>
      harness.store.writer
        .prepare("SELECT password_hash FROM operators WHERE username = 'chen.li'")
        .pluck()
        .get() as string;
    expect(hashOf()).toMatch(/^\$scrypt\$n=4096,/);
    harness.store.close();
    harness.store = openStore(harness.dir);
    harness.identity = new IdentityService(harness.store, {
      now: harness.clock.now,
      scrypt: { N: 2 ** 13, r: 8, p: 1 },
    });
    await harness.identity.signIn({ kind: 'password', username: 'chen.li', password: GOOD_PASSWORD });
    expect(hashOf()).toMatch(/^\$scrypt\$n=8192,r=8,p=1\$/);
    await expect(
      harness.identity.signIn({ kind: 'password', username: 'chen.li', password: GOOD_PASSWORD }),
    ).resolves.toBeDefined();
  });
});
