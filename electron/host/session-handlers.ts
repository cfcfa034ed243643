/**
 * The handlers of `session.*` and `confirmations.*`: sign-in, first-start setup, resume, sign-out, the screen lock,
 * and the two-person rule's confirmations. Identity failures become contract errors with the operator's message.
 */
import { ContractError, type SessionState } from '../../shared/contract';
import { ROLE_PERMISSIONS } from '../../shared/domain/authority';
import type { IdentityService, Operator } from '../services/identity';
import { contractErrorFromIdentity, type ClientSessions } from './client-sessions';
import type { CallContext, Handlers } from './dispatcher';
import type { HeldCommands } from './held-commands';

type SessionHandlerNames = Extract<keyof Handlers, `session.${string}` | `confirmations.${string}`>;

export function sessionHandlers(
  identity: IdentityService,
  sessions: ClientSessions,
  held: HeldCommands,
  scopeName: (operator: Operator) => string | null,
): Pick<Handlers, SessionHandlerNames> {
  const describe = (client: string, resumeToken?: string): SessionState => {
    const policy = identity.getPolicy();
    const common = {
      screenLockIdleMs: policy.screenLockIdleMs,
      twoPersonRule: policy.twoPersonRule,
      providers: identity.describeProviders(),
    };
    const current = sessions.state(client, false);
    if (current.state === 'signed-out') {
      return {
        state: identity.needsSetup() ? 'setup-required' : 'signed-out',
        operator: null,
        permissions: [],
        ...common,
      };
    }
    const { operator } = current;
    return {
      state: current.state,
      operator: {
        username: operator.username,
        displayName: operator.displayName,
        role: operator.role,
        scope: operator.scope,
        scopeName: scopeName(operator),
      },
      permissions: [...ROLE_PERMISSIONS[operator.role]],
      ...common,
      ...(resumeToken ? { resumeToken } : {}),
    };
  };
  const guarded = async <T>(work: () => T | Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw contractErrorFromIdentity(error);
    }
  };
  const signedIn = (context: CallContext): CallContext & { operator: Operator } => {
    if (!context.operator) throw new ContractError({ code: 'unauthenticated', message: 'Sign in first.' });
    return context as CallContext & { operator: Operator };
  };

  const handlers: Pick<Handlers, SessionHandlerNames> = {
    'session.get': (_input, { client }) => describe(client),
    'session.setup': ({ username, displayName, password }, { client }) =>
      guarded(async () => {
        await identity.setupFirstAdministrator({ username, displayName, password });
        const grant = await identity.signIn({ kind: 'password', username, password });
        sessions.bind(client, grant.token);
        return describe(client, grant.token);
      }),
    'session.signIn': ({ username, password }, { client }) =>
      guarded(async () => {
        const grant = await identity.signIn({ kind: 'password', username, password });
        sessions.bind(client, grant.token);
        return describe(client, grant.token);
      }),
    'session.resume': ({ token }, { client }) =>
      guarded(() => {
        identity.sessions.validate(token);
        sessions.bind(client, token);
        return describe(client, token);
      }),
    'session.signOut': (_input, { client }) => {
      sessions.signOut(client);
      return describe(client);
    },
    'session.lock': (_input, { client }) =>
      guarded(() => {
        sessions.setLocked(client, true);
        return describe(client);
      }),
    'session.unlock': ({ password }, context) =>
      guarded(async () => {
        const operator = context.operator;
        if (!operator) throw new ContractError({ code: 'unauthenticated', message: 'Sign in first.' });
        // The same check as a sign-in, throttle included: a locked screen is no way round the lockout.
        await identity.providerFor('password').authenticate({
          kind: 'password',
          username: operator.username,
          password,
        });
        sessions.setLocked(context.client, false);
        return describe(context.client);
      }),
    'confirmations.list': () => held.list(),
    'confirmations.approve': ({ id }, context) => held.approve(id, signedIn(context)),
    'confirmations.reject': ({ id }, context) => held.reject(id, signedIn(context)),
  };
  return handlers;
}
