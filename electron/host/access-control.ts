/**
 * The main process's gate in front of every contract handler (issue #6): who is calling (the window's session), may
 * they (their role and scope against the entry's permission and the area the request acts on), must a second
 * operator confirm it (the two-person rule), and what goes on the audit trail. The renderer hides what would be
 * refused; this is where it is actually refused.
 */
import { ContractError, invokeContract, type ContractErrorData, type InvokeName } from '../../shared/contract';
import { decide, TERRITORIAL, type ActionArea } from '../../shared/domain/authority';
import type { OperatorScope } from '../../shared/domain/operator-roles';
import type { AuditLog, AuditResult } from '../services/audit';
import type { Operator } from '../services/identity';
import type { ClientSessions } from './client-sessions';
import type { CallContext, CallGate } from './dispatcher';
import type { Logger } from './logger';

/** Resolves where a territorial request acts, from its validated input (the store knows the grids). */
export type AreaResolvers = Partial<Record<InvokeName, (input: never, context: CallContext) => ActionArea>>;

/** Decides whether a request must wait for a second operator, and holds it; returns the held request's id. */
export interface HoldGate {
  needsSecond(name: InvokeName, input: unknown, area: ActionArea | undefined): boolean;
  hold(name: InvokeName, input: unknown, context: CallContext, area: ActionArea | undefined): string;
}

export type Admission = { ok: true; context: CallContext; area?: ActionArea } | { ok: false; error: ContractErrorData };

/** Keys whose values never reach the audit trail, not even hashed (a SHA-256 of a password is guessable offline). */
const SECRET_KEYS = new Set(['password', 'token']);

/** The request as it is hashed for the audit trail: secrets dropped, everything else as validated. */
export function auditedPayload(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([key]) => !SECRET_KEYS.has(key)));
}

const MAX_SCOPE_TEXT = 1000;

/**
 * An area as the audit trail's scope: `city`, or places as `county:<code>` and `county:<code>/l1:<code>`, space
 * separated (so an inspector's filter by a county code finds its streets too). Too many streets to list → the
 * counties only, with the number of streets.
 */
export function areaText(area: ActionArea): string {
  if (area.cityWide) return 'city';
  if (area.places.length === 0) return 'none';
  const full = area.places
    .map((place) => (place.l1 === null ? `county:${place.county}` : `county:${place.county}/l1:${place.l1}`))
    .join(' ');
  if (full.length <= MAX_SCOPE_TEXT) return full;
  const counties = [...new Set(area.places.map((place) => `county:${place.county}`))].join(' ');
  return `${counties} (${area.places.length} places)`.slice(0, MAX_SCOPE_TEXT);
}

/** An operator's scope as the audit trail writes places (a street under its county, so a county filter finds it). */
export type ScopeText = (scope: OperatorScope) => string;

export const plainScopeText: ScopeText = (scope) => (scope.kind === 'city' ? 'city' : `${scope.kind}:${scope.code}`);

/** Whether a successful call of the entry is recorded (refusals always are). */
export function isAudited(name: InvokeName): boolean {
  const entry = invokeContract[name] as { permission: string; audited?: boolean };
  return entry.audited ?? !(entry.permission === 'console.view' || entry.permission === 'public');
}

export class AccessControl implements CallGate {
  constructor(
    private readonly sessions: ClientSessions,
    private readonly audit: AuditLog,
    private readonly areas: AreaResolvers,
    private readonly gate: HoldGate,
    private readonly log: Logger,
    private readonly scopeText: ScopeText = plainScopeText,
  ) {}

  /**
   * Admits a validated call or says why not. A refusal by role or scope is audited; so is any refused command. A
   * command the two-person rule holds is answered `needs-confirmation` with the held request's id.
   */
  admit(name: InvokeName, input: unknown, context: CallContext): Admission {
    const { permission } = invokeContract[name];
    // Only real work counts as activity: the sign-in screen's polling must not keep an abandoned session alive past
    // its idle timeout (nor do a locked window's calls: the session store ignores those).
    const client = this.sessions.state(context.client, permission !== 'public');
    const operator = client.state === 'signed-out' ? undefined : client.operator;
    const withOperator: CallContext = operator ? { ...context, operator } : context;
    if (permission === 'public') return { ok: true, context: withOperator };

    if (!operator) {
      const message = 'Sign in first: no operator is signed in on this window (or the session has ended).';
      if (isAudited(name)) this.recordRefusal(name, input, '(signed out)', '-', message);
      return { ok: false, error: { code: 'unauthenticated', message } };
    }
    if (client.state === 'locked') {
      return { ok: false, error: { code: 'screen-locked', message: 'The screen is locked: unlock it first.' } };
    }
    let area: ActionArea | undefined;
    if (TERRITORIAL.has(permission)) {
      const resolve = this.areas[name] as ((input: unknown, context: CallContext) => ActionArea) | undefined;
      // A territorial entry without a resolver is a programming error; the contract test catches it first.
      if (!resolve) throw new Error(`${name} is territorial but has no area resolver`);
      try {
        area = resolve(input, withOperator);
      } catch (error) {
        if (error instanceof ContractError) return { ok: false, error: error.toData() };
        throw error;
      }
    }
    const decision = decide(operator, { permission, ...(area ? { area } : {}), training: false });
    if (!decision.allowed) {
      const scope = area ? areaText(area) : this.scopeText(operator.scope);
      this.recordRefusal(name, input, operator.username, scope, decision.message);
      this.log.warn('access.refused', { name, operator: operator.username, reason: decision.reason, ...context });
      return { ok: false, error: { code: 'forbidden', message: decision.message } };
    }
    if (this.gate.needsSecond(name, input, area)) {
      let id: string;
      try {
        id = this.gate.hold(name, input, withOperator, area);
      } catch (error) {
        if (!(error instanceof ContractError)) throw error;
        this.recordRefusal(name, input, operator.username, area ? areaText(area) : 'city', error.message);
        return { ok: false, error: error.toData() };
      }
      return {
        ok: false,
        error: {
          code: 'needs-confirmation',
          message: 'The two-person rule holds this command until a second authorised operator confirms it.',
          ref: id,
        },
      };
    }
    return { ok: true, context: withOperator, ...(area ? { area } : {}) };
  }

  audits(name: InvokeName): boolean {
    return isAudited(name);
  }

  /** Records a finished call (an audited entry's success, or any entry's failure after admission). */
  record(
    name: InvokeName,
    input: unknown,
    context: CallContext,
    area: ActionArea | undefined,
    result: AuditResult,
    reason?: string,
  ): void {
    const operator = context.operator ?? this.sessions.operatorOf(context.client);
    this.append({
      actor: operator?.username ?? attemptedName(input),
      action: name,
      scope: area ? areaText(area) : operator ? this.scopeText(operator.scope) : '-',
      result,
      ...(reason === undefined ? {} : { reason }),
      payload: auditedPayload(input),
    });
  }

  /** Records what an operator did that is not a call of its own (a held command's request, its decision). */
  recordAction(operator: Operator, action: string, scope: string, payload: unknown): void {
    this.append({ actor: operator.username, action, scope, result: 'ok', payload });
  }

  private recordRefusal(name: InvokeName, input: unknown, actor: string, scope: string, reason: string): void {
    this.append({ actor, action: name, scope, result: 'refused', reason, payload: auditedPayload(input) });
  }

  private append(record: Parameters<AuditLog['record']>[0]): void {
    try {
      this.audit.record({ ...record, ...(record.reason ? { reason: record.reason.slice(0, 2000) } : {}) });
    } catch (error) {
      // The trail must not silently miss an entry: the failure is logged loudly with what could not be recorded.
      this.log.error('audit.record-failed', { action: record.action, actor: record.actor, error: String(error) });
    }
  }
}

/** The username a signed-out caller tried (a sign-in), bounded; '(signed out)' otherwise. */
function attemptedName(input: unknown): string {
  const typed = (input as { username?: unknown } | null)?.username;
  return typeof typed === 'string' && typed.trim() ? typed.trim().toLowerCase().slice(0, 64) : '(signed out)';
}
