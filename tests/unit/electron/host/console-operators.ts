/**
 * Operators for tests of the console core: created straight in the identity service (as `npm run accounts` would),
 * then signed in on a client through the contract, as a window would.
 */
import type { ConsoleCore } from '../../../../electron/host/console-core';
import type { CallContext } from '../../../../electron/host/dispatcher';
import type { InvokeName, InvokeOutput } from '../../../../shared/contract';
import type { OperatorRole, OperatorScope } from '../../../../shared/domain/operator-roles';

/** Cheap scrypt for tests (2^12); the defaults are checked in password-hash.test.ts. */
export const TEST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };
export const TEST_PASSWORD = 'amber-lantern-91-harbour';

let next = 1;

/** Creates an operator of the role (scope: the whole city unless given) and returns its username. */
export async function addOperator(core: ConsoleCore, role: OperatorRole, scope?: OperatorScope): Promise<string> {
  const username = `${role.replaceAll('_', '-')}-${next++}`;
  await core.identity.addOperator({
    username,
    displayName: username,
    role,
    ...(scope ? { scope } : {}),
    password: TEST_PASSWORD,
  });
  return username;
}

/** Signs `username` in on the client; throws when the console refuses. */
export async function signIn(core: ConsoleCore, context: CallContext, username: string): Promise<void> {
  const result = await core.dispatch('session.signIn', { username, password: TEST_PASSWORD }, context);
  if (!result.ok) throw new Error(`sign-in of ${username} refused: ${result.error.message}`);
}

/** A new operator of the role, signed in on a client of its own; returns the client's context. */
export async function operatorClient(
  core: ConsoleCore,
  role: OperatorRole,
  scope?: OperatorScope,
): Promise<CallContext & { username: string }> {
  const username = await addOperator(core, role, scope);
  const context: CallContext = { host: 'web', client: `test-${username}` };
  await signIn(core, context, username);
  return { ...context, username };
}

/** A contract call as `context`'s operator; throws with the refusal when the console says no. */
export async function call<N extends InvokeName>(
  core: ConsoleCore,
  name: N,
  input: unknown,
  context: CallContext,
): Promise<InvokeOutput<N>> {
  const result = await core.dispatch(name, input, context);
  if (!result.ok) throw new Error(`${name} refused: ${result.error.code} ${result.error.message}`);
  return result.output as InvokeOutput<N>;
}

/** Polls `probe` until it answers (not undefined); throws naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
