import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  INVALID_CREDENTIALS,
  IdentityService,
  REPEAT_MEMORY_MS,
  type IdentityError,
} from '../../../../../electron/services/identity';
import { GOOD_PASSWORD, identityHarness, type IdentityHarness } from './identity-fixtures';

const MINUTE = 60_000;
let harness: IdentityHarness;
beforeEach(async () => {
  harness = identityHarness();
  await harness.identity.setupFirstAdministrator({ username: 'chen.li', displayName: '陈丽', password: GOOD_PASSWORD });
});
afterEach(() => harness.close());

const signIn = (username: string, password: string) =>
  harness.identity.signIn({ kind: 'password', username, password });

/** The error a sign-in fails with (or a marker when it succeeds). */
async function failure(username: string, password: string): Promise<IdentityError | 'signed-in'> {
  try {
    await signIn(username, password);
    return 'signed-in';
  } catch (error) {
    return error as IdentityError;
  }
}

async function guess(username: string, times: number): Promise<(IdentityError | 'signed-in')[]> {
  const results: (IdentityError | 'signed-in')[] = [];
  for (let i = 0; i < times; i++) results.push(await failure(username, `wrong-guess-number-${i}`));
  return results;
}

describe('brute force', () => {
  it('locks the account after 5 failures, even for the right password, and it stays locked after a restart', async () => {
    const results = await guess('chen.li', 5);
    expect(results.slice(0, 4).map((e) => e !== 'signed-in' && e.code)).toEqual(Array(4).fill('invalid-credentials'));
    expect(results[4]).toMatchObject({
      code: 'locked',
      message: expect.stringMatching(/locked for 15 more minutes/) as unknown,
    });
    await expect(signIn('chen.li', GOOD_PASSWORD)).rejects.toMatchObject({ code: 'locked' });

    harness.restart();
    await expect(signIn('chen.li', GOOD_PASSWORD)).rejects.toMatchObject({
      code: 'locked',
      lockedUntil: harness.clock.now() + 15 * MINUTE,
    });
    expect(harness.identity.listOperators()[0]!.lockedUntil).toBe(harness.clock.now() + 15 * MINUTE);
  });

  it('lifts the lock when it expires, and a good sign-in forgets the failures', async () => {
    await guess('chen.li', 5);
    harness.clock.advance(15 * MINUTE - 1000);
    await expect(signIn('chen.li', GOOD_PASSWORD)).rejects.toMatchObject({ code: 'locked' });
    harness.clock.advance(1000);
    await expect(signIn('chen.li', GOOD_PASSWORD)).resolves.toBeDefined();
    // Forgotten: four more failures do not lock.
    expect((await guess('chen.li', 4)).every((e) => e !== 'signed-in' && e.code === 'invalid-credentials')).toBe(true);
  });

  it('counts failures within the window only', async () => {
    await guess('chen.li', 4);
    harness.clock.advance(15 * MINUTE);
    expect((await guess('chen.li', 4)).every((e) => e !== 'signed-in' && e.code === 'invalid-credentials')).toBe(true);
  });

  it('doubles the lock on each repeat, up to the maximum, and an unlock by an administrator lifts it', async () => {
    const lockFor = async (): Promise<number> => {
      const results = await guess('chen.li', 5);
      const last = results[4] as IdentityError;
      expect(last.code).toBe('locked');
      const length = last.lockedUntil! - harness.clock.now();
      harness.clock.advance(length);
      return length / MINUTE;
    };
    harness.identity.updatePolicy({ maxLockoutMs: 100 * MINUTE });
    expect([await lockFor(), await lockFor(), await lockFor(), await lockFor()]).toEqual([15, 30, 60, 100]);
    // A quiet day later a lock starts from the beginning again.
    harness.clock.advance(REPEAT_MEMORY_MS);
    expect(await lockFor()).toBe(15);

    await guess('chen.li', 5);
    expect(harness.identity.unlock('chen.li')).toBe(true);
    await expect(signIn('chen.li', GOOD_PASSWORD)).resolves.toBeDefined();
  });

  it('honours a configured threshold and lock length', async () => {
    harness.identity.updatePolicy({ maxFailures: 3, lockoutMs: 2 * MINUTE });
    const results = await guess('chen.li', 3);
    expect(results[2]).toMatchObject({
      code: 'locked',
      message: expect.stringMatching(/locked for 2 more minutes/) as unknown,
    });
    expect(() => harness.identity.updatePolicy({ maxFailures: 0 })).toThrow(/maxFailures/);
  });

  it('cannot be outrun by guesses sent in parallel: attempts on one username queue', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => failure('chen.li', i === 11 ? GOOD_PASSWORD : `parallel-guess-${i}`)),
    );
    const codes = results.map((e) => (e === 'signed-in' ? e : e.code));
    expect(codes.filter((code) => code === 'invalid-credentials')).toHaveLength(4);
    expect(codes.filter((code) => code === 'locked')).toHaveLength(8);
  });
});

describe('no user enumeration', () => {
  it('answers an unknown username exactly like a wrong password', async () => {
    const unknown = (await failure('nobody.here', 'wrong-guess-number-1')) as IdentityError;
    const wrong = (await failure('chen.li', 'wrong-guess-number-1')) as IdentityError;
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
    expect(unknown.message).toBe(INVALID_CREDENTIALS);
  });

  it('locks an unknown username just like a real one, with the same words', async () => {
    const unknown = await guess('nobody.here', 6);
    const known = await guess('chen.li', 6);
    const shape = (e: IdentityError | 'signed-in') => (e === 'signed-in' ? e : [e.code, e.message]);
    expect(unknown.map(shape)).toEqual(known.map(shape));
  });

  it('spends the same scrypt work on an unknown username as on a known one', async () => {
    // Costlier parameters make the hash dominate: an unknown name that skipped it would answer in a fraction of it.
    const scrypt = { N: 2 ** 14, r: 8, p: 1 };
    harness.identity = new IdentityService(harness.store, { now: harness.clock.now, scrypt });
    await harness.identity.addOperator({
      username: 'probe',
      displayName: 'P',
      role: 'viewer',
      password: GOOD_PASSWORD,
    });
    harness.identity.updatePolicy({ maxFailures: 100 });
    const time = async (username: string): Promise<number> => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await failure(username, `wrong-guess-number-${i}`);
        samples.push(performance.now() - start);
      }
      return samples.sort((a, b) => a - b)[2]!;
    };
    const known = await time('probe');
    const unknown = await time('nobody.here');
    // Wide bounds (other tests share the cores): skipping the hash would put the ratio near 0.05.
    expect(unknown / known).toBeGreaterThan(0.4);
    expect(unknown / known).toBeLessThan(2.5);
  });
});
