/**
 * The one place a contract call enters the main process, for both hosts: it finds the entry, validates the input
 * against the entry's schema, runs the handler, checks the output and turns every failure into a typed error reply.
 * Nothing a caller sends can throw past this function.
 */
import {
  ContractError,
  describeIssues,
  INVOKE_NAMES,
  invokeContract,
  type CallResult,
  type InvokeInput,
  type InvokeName,
  type InvokeOutput,
} from '../../shared/contract';
import type { Logger } from './logger';

/** Who is calling: recorded in logs now, checked against permissions once operators exist. */
export interface CallContext {
  host: 'electron' | 'web';
  /** A window id (Electron) or connection id (web host). */
  client: string;
}

export type Handlers = {
  [N in InvokeName]: (input: InvokeInput<N>, context: CallContext) => InvokeOutput<N> | Promise<InvokeOutput<N>>;
};

export type Dispatch = (name: unknown, input: unknown, context: CallContext) => Promise<CallResult<unknown>>;

const isInvokeName = (name: unknown): name is InvokeName =>
  typeof name === 'string' && (INVOKE_NAMES as readonly string[]).includes(name);

/**
 * An unknown name as text for the log and the reply. Not `String(name)`: that throws for an object without a
 * prototype (no toString), and a call must never throw past the dispatcher.
 */
const nameAsText = (name: unknown): string =>
  (typeof name === 'object' && name !== null ? '(an object)' : String(name)).slice(0, 128);

export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (name, input, context) => {
    if (!isInvokeName(name)) {
      log.warn('contract.unknown-entry', { name: nameAsText(name), ...context });
      return {
        ok: false,
        error: { code: 'unknown-entry', message: `no contract entry named ${JSON.stringify(nameAsText(name))}` },
      };
    }
    const entry = invokeContract[name];
    const parsed = entry.input.safeParse(input);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      log.warn('contract.invalid-input', { name, issues, ...context });
      return { ok: false, error: { code: 'invalid-input', message: `invalid input for ${name}`, issues } };
    }
    try {
      const handler = handlers[name] as (input: unknown, context: CallContext) => unknown;
      const output: unknown = await handler(parsed.data, context);
      return { ok: true, output: entry.output.parse(output) };
    } catch (error) {
      if (error instanceof ContractError) return { ok: false, error: error.toData() };
      log.error('contract.handler-failed', { name, error: String(error), stack: (error as Error)?.stack, ...context });
      return { ok: false, error: { code: 'internal', message: `${name} failed; see the console log` } };
    }
  };
}
