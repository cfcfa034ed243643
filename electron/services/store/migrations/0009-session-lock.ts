import type { Migration } from './migration';

/**
 * Issue #6, the console's side of sign-in:
 * - the two-person rule: whether city-wide broadcasts and emergency switches to levels I and II need a second
 *   authorised operator's confirmation. On by default; an administrator may turn it off for a deployment.
 * - the screen lock belongs to the session, not to a window or connection: a locked console stays locked after a
 *   reload, a reconnect or a restart of the host, until the operator's password unlocks it.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'session-lock-two-person-rule',
  sql: `
ALTER TABLE identity_policy ADD COLUMN two_person_rule INTEGER NOT NULL DEFAULT 1 CHECK (two_person_rule IN (0, 1));
ALTER TABLE sessions ADD COLUMN locked_at INTEGER;
`,
};
