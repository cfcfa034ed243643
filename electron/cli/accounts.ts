/**
 * `npm run accounts -- <command>`: operator accounts without the UI, for deployments, kiosks and tests.
 *
 *   add USERNAME --role ROLE [--scope CODE] [--name NAME]   a new operator (password: see below)
 *   disable USERNAME | enable USERNAME                      disabling ends the operator's sessions at once
 *   reset-password USERNAME                                 a new password; ends sessions, lifts a lock
 *   unlock USERNAME                                         lifts a sign-in lock
 *   list [--json]                                           every operator, their scope, lock and sessions
 *
 * The password never comes from the command line (argv is visible to every user in `ps`): it is read from
 * GRIDLINE_ACCOUNT_PASSWORD when set, else from standard input — the first line of a pipe, or typed twice without
 * echo at a terminal. Whoever can write the data directory owns the store, so this tool needs no sign-in; --data-dir
 * falls back to GRIDLINE_DATA_DIR, then to the console's own data directory. Mutations print the operator as one
 * JSON line on stdout; errors go to stderr with exit code 1 (2 for a usage error).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OPERATOR_ROLES } from '../../shared/domain/operator-roles';
import { defaultDataDir } from '../host/config';
import { IdentityError, IdentityService, type OperatorListing } from '../services/identity';
import { openStore } from '../services/store/store';

const PASSWORD_ENV = 'GRIDLINE_ACCOUNT_PASSWORD';

const USAGE = `usage: npm run accounts -- add USERNAME --role ROLE [--scope CODE] [--name NAME] [--data-dir DIR]
       npm run accounts -- disable|enable|reset-password|unlock USERNAME [--data-dir DIR]
       npm run accounts -- list [--json] [--data-dir DIR]
roles: ${OPERATOR_ROLES.join(', ')}
--scope: a county code (district_commander), an L1 grid code (street_duty_officer), either (viewer), none otherwise
password: from ${PASSWORD_ENV}, else standard input (never a flag)`;

class UsageError extends Error {}

/** Reads a line from a terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolvePassword, reject) => {
    let typed = '';
    const done = (error?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolvePassword(typed);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new UsageError('cancelled'));
        if (char === '\u007f' || char === '\b') typed = Array.from(typed).slice(0, -1).join('');
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY) {
    const first = await readHidden('Password: ');
    const again = await readHidden('Again: ');
    if (first !== again) throw new UsageError('the two passwords differ');
    return first;
  }
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password === '') throw new UsageError(`no password: pipe it on standard input or set ${PASSWORD_ENV}`);
  return password;
}

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

function printList(operators: OperatorListing[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(operators.map((operator) => ({ ...operator, lockedUntil: iso(operator.lockedUntil) }))));
    return;
  }
  if (operators.length === 0) {
    console.log('no operators yet: add an administrator first (npm run accounts -- add NAME --role administrator)');
    return;
  }
  for (const operator of operators) {
    const scope =
      operator.scope.kind === 'city'
        ? 'city'
        : `${operator.scope.kind} ${operator.scope.code} ${operator.scopeName ?? '(not in the current city)'}`;
    const state = [
      operator.disabled ? 'disabled' : 'enabled',
      ...(operator.lockedUntil === null ? [] : [`locked until ${iso(operator.lockedUntil)}`]),
      `${operator.activeSessions} session${operator.activeSessions === 1 ? '' : 's'}`,
    ].join(', ');
    console.log(
      `${operator.username.padEnd(20)} ${operator.role.padEnd(20)} ${scope.padEnd(28)} ${state}  ${operator.displayName}`,
    );
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new UsageError(`passwords are never taken as flags (they would show in ps): use stdin or ${PASSWORD_ENV}`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        role: { type: 'string' },
        scope: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, username, ...extra] = positionals;
  if (!command) throw new UsageError('no command given');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const needsUsername = command !== 'list';
  if (needsUsername && !username) throw new UsageError(`${command} needs a USERNAME`);
  if (!['add', 'disable', 'enable', 'reset-password', 'unlock', 'list'].includes(command)) {
    throw new UsageError(`unknown command: ${command}`);
  }

  const dataDir = resolve(values['data-dir'] ?? process.env.GRIDLINE_DATA_DIR ?? defaultDataDir());
  const store = openStore(dataDir);
  try {
    const identity = new IdentityService(store);
    const user = username!;
    switch (command) {
      case 'add': {
        const role = OPERATOR_ROLES.find((known) => known === values.role);
        if (!role) throw new UsageError(`--role must be one of ${OPERATOR_ROLES.join(', ')}`);
        const input = { username: user, displayName: values.name ?? user, role };
        // Bad input is refused before the password is asked for.
        const checked = identity.checkNewOperator({ ...input, scope: identity.scopeFromCode(role, values.scope) });
        const operator = await identity.addOperator({ ...checked, password: await readPassword() });
        console.log(JSON.stringify(operator));
        return;
      }
      case 'disable':
      case 'enable':
        console.log(JSON.stringify(identity.setDisabled(user, command === 'disable')));
        return;
      case 'reset-password': {
        identity.getOperator(user); // an unknown name fails before the password is asked for
        console.log(JSON.stringify(await identity.resetPassword(user, await readPassword())));
        return;
      }
      case 'unlock':
        console.log(JSON.stringify({ username: identity.getOperator(user).username, unlocked: identity.unlock(user) }));
        return;
      case 'list':
        printList(identity.listOperators(), values.json ?? false);
        return;
    }
  } finally {
    store.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`gridline accounts: ${message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = error instanceof UsageError ? 2 : 1;
  if (!(error instanceof UsageError || error instanceof IdentityError) && error instanceof Error && error.stack) {
    console.error(error.stack);
  }
});
