/**
 * The first administrator from environment variables, for deployments, kiosks and tests that cannot click through
 * the setup step. Honoured once: only while the store has no administrator. Afterwards the variables are ignored
 * (logged), so a stale variable can never reset a password; use `npm run accounts` for later changes.
 *
 *   GRIDLINE_ADMIN_USERNAME        the administrator's username
 *   GRIDLINE_ADMIN_PASSWORD        their password (policy-checked), or
 *   GRIDLINE_ADMIN_PASSWORD_FILE   a file whose first line is the password (container secrets)
 *   GRIDLINE_ADMIN_DISPLAY_NAME    optional; defaults to the username
 *
 * The variables are removed from the environment once read, so the processes the console starts (the local hub,
 * the simulators) do not inherit the password.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../../host/logger';
import { IdentityError } from './identity-error';
import type { IdentityService } from './identity-service';
import type { Operator } from './operator-records';

export const ADMIN_ENV = {
  username: 'GRIDLINE_ADMIN_USERNAME',
  password: 'GRIDLINE_ADMIN_PASSWORD',
  passwordFile: 'GRIDLINE_ADMIN_PASSWORD_FILE',
  displayName: 'GRIDLINE_ADMIN_DISPLAY_NAME',
} as const;

export type ProvisionOutcome =
  | { outcome: 'not-requested' }
  | { outcome: 'already-set-up'; ignored: string[] }
  | { outcome: 'created'; operator: Operator };

/** Reads the password file's first line (a trailing newline is not part of the password). */
function readPasswordFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
  } catch (error) {
    throw new IdentityError('invalid', `${ADMIN_ENV.passwordFile}: cannot read ${file} (${(error as Error).message}).`);
  }
}

export async function provisionFirstAdministratorFromEnv(
  identity: IdentityService,
  env: NodeJS.ProcessEnv = process.env,
  log?: Logger,
): Promise<ProvisionOutcome> {
  const present = Object.values(ADMIN_ENV).filter((name) => env[name] !== undefined && env[name] !== '');
  const username = env[ADMIN_ENV.username];
  const password = env[ADMIN_ENV.password];
  const passwordFile = env[ADMIN_ENV.passwordFile];
  const displayName = env[ADMIN_ENV.displayName];
  for (const name of Object.values(ADMIN_ENV)) delete env[name];
  if (present.length === 0) return { outcome: 'not-requested' };

  if (!identity.needsSetup()) {
    log?.info('identity.env-admin-ignored', { reason: 'an administrator exists already', variables: present });
    return { outcome: 'already-set-up', ignored: present };
  }
  if (!username) {
    throw new IdentityError('invalid', `${ADMIN_ENV.username} is required with ${present.join(', ')}.`);
  }
  if (password && passwordFile) {
    throw new IdentityError('invalid', `Set ${ADMIN_ENV.password} or ${ADMIN_ENV.passwordFile}, not both.`);
  }
  if (!password && !passwordFile) {
    throw new IdentityError(
      'invalid',
      `${ADMIN_ENV.username} needs ${ADMIN_ENV.password} or ${ADMIN_ENV.passwordFile}.`,
    );
  }
  const operator = await identity.setupFirstAdministrator({
    username,
    displayName: displayName || username,
    password: password ?? readPasswordFile(passwordFile!),
  });
  log?.info('identity.env-admin-created', { username: operator.username });
  return { outcome: 'created', operator };
}
