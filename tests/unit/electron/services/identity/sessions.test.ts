import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, identityHarness, type IdentityHarness } from './identity-fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let harness: IdentityHarness;
beforeEach(async () => {
  harness = identityHarness();
  await harness.identity.setupFirstAdministrator({ username: 'chen.li', displayName: '陈丽', password: GOOD_PASSWORD });
  await harness.identity.addOperator({
    username: 'wang.fang',
    displayName: '王芳',
    role: 'city_commander',
    password: GOOD_PASSWORD,
  });
});
afterEach(() => harness.close());

const signIn = (username = 'wang.fang') =>
  harness.identity.signIn({ kind: 'password', username, password: GOOD_PASSWORD });

describe('sessions', () => {
  it('opens a session on sign-in with a random token, keeping only its digest', async () => {
    const first = await signIn();
    const second = await signIn();
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.token).not.toBe(second.token);
    expect(first).toMatchObject({
      operator: { username: 'wang.fang', role: 'city_commander' },
      session: {
        provider: 'local',
        expiresAt: harness.clock.now() + 12 * HOUR,
        idleExpiresAt: harness.clock.now() + HOUR,
      },
      screenLockIdleMs: 5 * MINUTE,
    });
    const stored = harness.store.writer.prepare('SELECT token_sha256 FROM sessions').pluck().all() as Buffer[];
    expect(stored).toHaveLength(2);
    expect(stored.some((digest) => digest.toString('latin1').includes(first.token))).toBe(false);
    expect(harness.identity.sessions.validate(first.token).operator.username).toBe('wang.fang');
  });

  it('ends after the idle timeout unless touched; touching does not move the absolute expiry', async () => {
    const { token, session } = await signIn();
    harness.clock.advance(50 * MINUTE);
    const touched = harness.identity.sessions.touch(token).session;
    expect(touched.idleExpiresAt).toBe(harness.clock.now() + HOUR);
    expect(touched.expiresAt).toBe(session.expiresAt);
    harness.clock.advance(HOUR - 1);
    expect(harness.identity.sessions.validate(token).session.id).toBe(session.id);
    harness.clock.advance(1);
    expect(() => harness.identity.sessions.validate(token)).toThrow(
      expect.objectContaining({ code: 'session-invalid' }),
    );
    // Gone for good, not merely refused.
    expect(harness.store.writer.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('ends at its absolute lifetime however active', async () => {
    const { token } = await signIn();
    for (let hour = 0; hour < 12; hour++) {
      harness.clock.advance(HOUR - MINUTE);
      harness.identity.sessions.touch(token);
    }
    // 12 minutes idle, well inside the idle timeout, but 12 hours since sign-in.
    harness.clock.advance(12 * MINUTE);
    expect(() => harness.identity.sessions.touch(token)).toThrow(/session has ended/);
  });

  it('follows the configured lifetime, idle timeout and screen lock', async () => {
    const policy = harness.identity.updatePolicy({
      sessionLifetimeMs: 2 * HOUR,
      sessionIdleMs: 10 * MINUTE,
      screenLockIdleMs: 2 * MINUTE,
    });
    expect(harness.identity.screenLockIdleMs()).toBe(2 * MINUTE);
    const { token, session, screenLockIdleMs } = await signIn();
    expect(screenLockIdleMs).toBe(2 * MINUTE);
    expect(session.expiresAt - session.createdAt).toBe(policy.sessionLifetimeMs);
    harness.clock.advance(10 * MINUTE);
    expect(() => harness.identity.sessions.validate(token)).toThrow(/session has ended/);
    expect(() => harness.identity.updatePolicy({ screenLockIdleMs: 20 * MINUTE })).toThrow(
      /screenLockIdleMs must not exceed sessionIdleMs/,
    );
  });

  it('keeps the policy across a restart', () => {
    harness.identity.updatePolicy({ screenLockIdleMs: 3 * MINUTE });
    harness.restart();
    expect(harness.identity.getPolicy().screenLockIdleMs).toBe(3 * MINUTE);
  });

  it('revokes one session, or every session of an operator', async () => {
    const desk = await signIn();
    const wall = await signIn();
    const admin = await signIn('chen.li');
    expect(harness.identity.signOut(desk.token)).toBe(true);
    expect(harness.identity.signOut(desk.token)).toBe(false);
    expect(() => harness.identity.sessions.validate(desk.token)).toThrow(/session has ended/);
    expect(harness.identity.sessions.validate(wall.token)).toBeDefined();

    await signIn();
    expect(harness.identity.sessions.listFor(wall.operator.id)).toHaveLength(2);
    expect(harness.identity.revokeAllFor('wang.fang')).toBe(2);
    expect(() => harness.identity.sessions.validate(wall.token)).toThrow(/session has ended/);
    expect(harness.identity.sessions.validate(admin.token).operator.username).toBe('chen.li');
  });

  it('survives a restart until it expires', async () => {
    const { token } = await signIn();
    harness.restart();
    expect(harness.identity.sessions.touch(token).operator.username).toBe('wang.fang');
  });

  it.each([undefined, '', 'not-a-token', 'x'.repeat(43), 42, { token: 'x' }])('refuses %j as a token', (token) => {
    expect(() => harness.identity.sessions.validate(token)).toThrow(
      expect.objectContaining({ code: 'session-invalid' }),
    );
  });

  it('prunes ended sessions and stale throttle rows', async () => {
    await signIn();
    await expect(harness.identity.signIn({ kind: 'password', username: 'ghost', password: 'x' })).rejects.toThrow();
    harness.clock.advance(2 * HOUR);
    expect(harness.identity.prune()).toEqual({ sessions: 1, throttle: 1 });
  });
});
