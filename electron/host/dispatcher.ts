/**
 * The one place a contract call enters the main process, for both hosts: it finds the entry, validates the input
 * against the entry's schema, asks the gate (access-control.ts: session, authority, two-person rule) to admit it,
 * runs the handler, checks the output, records the outcome on the audit trail where the gate says so, and turns
 * every failure into a typed error reply. Nothing a caller sends can throw past this function.
 */
import {
  ContractError,
  describeIssues,
  INVOKE_NAMES,
  invokeContract,
  type CallResult,
  type ContractErrorData,
  type InvokeInput,
  type InvokeName,
  type InvokeOutput,
} from '../../shared/contract';
import { z } from 'zod';
import type { ActionArea } from '../../shared/domain/authority';
import type { AuditResult } from '../services/audit';
import type { Operator } from '../services/identity';
import type { Logger } from './logger';

/** Who is calling. */
export interface CallContext {
  host: 'electron' | 'web';
  /** A window id (Electron) or connection id (web host). */
  client: string;
  /** The operator signed in on that window, set by the gate once it has admitted the call. */
  operator?: Operator;
  /** A held command run after a second operator confirmed it (the two-person rule): who confirmed it. */
  confirmedBy?: Operator;
}

/** What the dispatcher asks before and tells after a call (AccessControl; tests may pass a simpler one). */
export interface CallGate {
  admit(
    name: InvokeName,
    input: unknown,
    context: CallContext,
  ): { ok: true; context: CallContext; area?: ActionArea } | { ok: false; error: ContractErrorData };
  /** Whether the entry's successful calls go on the audit trail. */
  audits(name: InvokeName): boolean;
  record(
    name: InvokeName,
    input: unknown,
    context: CallContext,
    area: ActionArea | undefined,
    result: AuditResult,
    reason?: string,
  ): void;
}

export type Handlers = {
  [N in InvokeName]: (input: InvokeInput<N>, context: CallContext) => InvokeOutput<N> | Promise<InvokeOutput<N>>;
};

export type Dispatch = (name: unknown, input: unknown, context: CallContext) => Promise<CallResult<unknown>>;

/** Runs an admitted call: the handler, the output check, the audit record. */
export type Execute = (
  name: InvokeName,
  input: unknown,
  context: CallContext,
  area?: ActionArea,
) => Promise<CallResult<unknown>>;

const isInvokeName = (name: unknown): name is InvokeName =>
  typeof name === 'string' && (INVOKE_NAMES as readonly string[]).includes(name);

/**
 * An unknown name as text for the log and the reply. Not `String(name)`: that throws for an object without a
 * prototype (no toString), and a call must never throw past the dispatcher.
 */
const nameAsText = (name: unknown): string =>
  (typeof name === 'object' && name !== null ? '(an object)' : String(name)).slice(0, 128);

/**
 * zod's safeParse, which can itself throw on a hostile object (one posing as a typed array whose `length` getter
 * throws): that is invalid input too, not a crash.
 */
function safeParse(schema: z.ZodType, input: unknown): z.ZodSafeParseResult<unknown> {
  try {
    return schema.safeParse(input);
  } catch (error) {
    const issue = {
      code: 'custom' as const,
      message: `unreadable input (${String(error).slice(0, 100)})`,
      path: [],
      input,
    };
    return { success: false, error: new z.ZodError([issue]) };
  }
}

export function createDispatcher(
  handlers: Handlers,
  log: Logger,
  gate: CallGate,
): { dispatch: Dispatch; execute: Execute } {
  const execute: Execute = async (name, input, context, area) => {
    const entry = invokeContract[name];
    try {
      const handler = handlers[name] as (input: unknown, context: CallContext) => unknown;
      const output: unknown = await handler(input, context);
      const checked = entry.output.parse(output);
      if (gate.audits(name)) gate.record(name, input, context, area, 'ok');
      return { ok: true, output: checked };
    } catch (error) {
      if (error instanceof ContractError) {
        const result = ['refused', 'forbidden', 'unauthenticated'].includes(error.code) ? 'refused' : 'failed';
        if (gate.audits(name)) gate.record(name, input, context, area, result, error.message);
        return { ok: false, error: error.toData() };
      }
      log.error('contract.handler-failed', { name, error: String(error), stack: (error as Error)?.stack, ...context });
      gate.record(name, input, context, area, 'failed', 'internal error; see the console log');
      return { ok: false, error: { code: 'internal', message: `${name} failed; see the console log` } };
    }
  };

  const dispatch: Dispatch = async (name, input, context) => {
    if (!isInvokeName(name)) {
      log.warn('contract.unknown-entry', { name: nameAsText(name), ...context });
      return {
        ok: false,
        error: { code: 'unknown-entry', message: `no contract entry named ${JSON.stringify(nameAsText(name))}` },
      };
    }
    const parsed = safeParse(invokeContract[name].input, input);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      log.warn('contract.invalid-input', { name, issues, ...context });
      return { ok: false, error: { code: 'invalid-input', message: `invalid input for ${name}`, issues } };
    }
    // Admission is synchronous: a call is bound to the session state at the moment it arrived, in arrival order.
    const admission = gate.admit(name, parsed.data, context);
    if (!admission.ok) return { ok: false, error: admission.error };
    return execute(name, parsed.data, admission.context, admission.area);
  };
  return { dispatch, execute };
}
