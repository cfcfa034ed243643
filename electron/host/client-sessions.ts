/**
 * Which operator each window is signed in as. A window is a client of a host — an Electron window (`window-<id>`) or
 * a web-host socket (`web-<n>`) — and holds at most one session; the token never leaves the main process except as
 * the resume token handed to the window that signed in (a web tab needs it to come back after a dropped socket).
 *
 * Every lookup validates the session in the store (expiry, idle timeout, a disabled operator) and counts as activity,
 * so an administrator's revocation takes effect on the very next call.
 */
import { ContractError, type EventName } from '../../shared/contract';
import { IdentityError, type IdentityService, type Operator } from '../services/identity';

const PUBLIC_EVENTS: ReadonlySet<EventName> = new Set<EventName>([
  'settings.changed',
  'city.statusChanged',
  'city.generationProgress',
]);

export type ClientState =
  { state: 'signed-out' } | { state: 'locked'; operator: Operator } | { state: 'signed-in'; operator: Operator };

/** An identity failure as the contract's error: the operator's message, the right code. */
export function contractErrorFromIdentity(error: unknown): unknown {
  if (!(error instanceof IdentityError)) return error;
  // `invalid` too is a refusal: the input passed the contract's schema; the city or the policy says no (a scope code
  // the city lacks), and the message says why.
  const code = error.code === 'session-invalid' ? 'unauthenticated' : 'refused';
  return new ContractError({ code, message: error.message });
}

export class ClientSessions {
  /** Client → session token. The screen lock is the session's (in the store), so a reload does not lift it. */
  private readonly bindings = new Map<string, string>();

  constructor(private readonly identity: IdentityService) {}

  /** Binds a freshly granted (or resumed) session to the window, replacing whatever it had. */
  bind(client: string, token: string): void {
    const previous = this.bindings.get(client);
    if (previous && previous !== token) this.identity.signOut(previous);
    this.bindings.set(client, token);
  }

  /** The window's state now; an ended session is forgotten (the window shows the sign-in screen again). */
  state(client: string, touch = true): ClientState {
    const token = this.bindings.get(client);
    if (!token) return { state: 'signed-out' };
    try {
      const { session, operator } = touch
        ? this.identity.sessions.touch(token)
        : this.identity.sessions.validate(token);
      return session.lockedAt === null ? { state: 'signed-in', operator } : { state: 'locked', operator };
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      this.bindings.delete(client);
      return { state: 'signed-out' };
    }
  }

  /** The operator signed in on the window (locked or not), without counting it as activity. */
  operatorOf(client: string): Operator | undefined {
    const state = this.state(client, false);
    return state.state === 'signed-out' ? undefined : state.operator;
  }

  /**
   * Whether the window may receive an event now: the console's state (receipts, confirmations, imports) only while
   * signed in and unlocked; the display language and the city's generation progress always (the sign-in screen shows
   * them). Asking counts as no activity.
   */
  receivesEvent(client: string, name: EventName): boolean {
    return PUBLIC_EVENTS.has(name) || this.state(client, false).state === 'signed-in';
  }

  /** Turns the window's screen lock on or off (unlocking is authorised by the caller: the operator's password). */
  setLocked(client: string, locked: boolean): void {
    const token = this.bindings.get(client);
    if (token) this.identity.sessions.setLocked(token, locked);
  }

  /** The token bound to the window, to resume it elsewhere; undefined when signed out. */
  token(client: string): string | undefined {
    return this.bindings.get(client);
  }

  /** Signs the window out: its session ends in the store too. */
  signOut(client: string): boolean {
    const token = this.bindings.get(client);
    if (!token) return false;
    this.bindings.delete(client);
    return this.identity.signOut(token);
  }

  /**
   * The window is gone. An Electron window's session ends with it; a web socket's lives on until its idle timeout,
   * so the tab can resume it after a dropped connection.
   */
  release(client: string, endSession: boolean): void {
    if (endSession) this.signOut(client);
    else this.bindings.delete(client);
  }
}
