/**
 * What counts as activity for a session's idle timeout: real work in a signed-in, unlocked window; not the sign-in
 * screen's polling, not a locked window's background calls (or an abandoned console would never time out).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AccessControl } from '../../../../electron/host/access-control';
import { ClientSessions } from '../../../../electron/host/client-sessions';
import { createMemoryLogger } from '../../../../electron/host/logger';
import { AuditLog } from '../../../../electron/services/audit';
import { GOOD_PASSWORD, identityHarness, type IdentityHarness } from '../services/identity/identity-fixtures';

const MINUTE = 60_000;
const context = { host: 'web' as const, client: 'window-1' };
let harness: IdentityHarness;

afterEach(() => harness?.close());

async function signedInGate(): Promise<{ access: AccessControl; sessions: ClientSessions }> {
  harness = identityHarness();
  const { identity, store } = harness;
  await identity.addOperator({ username: 'li.wei', displayName: '李伟', role: 'viewer', password: GOOD_PASSWORD });
  const sessions = new ClientSessions(identity);
  const gate = { needsSecond: () => false, hold: () => 'never' };
  const access = new AccessControl(sessions, new AuditLog(store), {}, gate, createMemoryLogger());
  const grant = await identity.signIn({ kind: 'password', username: 'li.wei', password: GOOD_PASSWORD });
  sessions.bind(context.client, grant.token);
  return { access, sessions };
}

describe('session activity', () => {
  it('work in the window keeps the session alive past the idle timeout', async () => {
    const { access, sessions } = await signedInGate();
    harness.clock.advance(50 * MINUTE);
    expect(access.admit('hub.getStatus', {}, context)).toMatchObject({ ok: true });
    harness.clock.advance(15 * MINUTE);
    expect(sessions.state(context.client, false).state).toBe('signed-in');
  });

  it("the sign-in screen's polling (a public entry) does not", async () => {
    const { access, sessions } = await signedInGate();
    harness.clock.advance(50 * MINUTE);
    expect(access.admit('session.get', {}, context)).toMatchObject({ ok: true });
    harness.clock.advance(15 * MINUTE);
    expect(sessions.state(context.client, false).state).toBe('signed-out');
  });

  it("nor does a locked window's background call, which is refused", async () => {
    const { access, sessions } = await signedInGate();
    sessions.setLocked(context.client, true);
    harness.clock.advance(50 * MINUTE);
    expect(access.admit('hub.getStatus', {}, context)).toMatchObject({ ok: false, error: { code: 'screen-locked' } });
    harness.clock.advance(15 * MINUTE);
    expect(sessions.state(context.client, false).state).toBe('signed-out');
  });
});
