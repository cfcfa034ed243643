/**
 * The shape of a contract entry, shared by the files that declare entries (contract.ts and the per-area files beside
 * it).
 */
import type { z } from 'zod';
import type { Permission } from '../domain/authority';

/**
 * What a caller must hold: a permission (shared/domain/authority.ts), or `public` for the few entries a window needs
 * before an operator has signed in (the sign-in itself, the app's name, the display language).
 */
export type EntryAccess = Permission | 'public';

export interface InvokeEntry<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string;
  /**
   * What the caller must hold (shared/domain/authority.ts). The main process checks it before the handler runs;
   * a territorial one also needs the area the request acts on, resolved from the input.
   */
  permission: EntryAccess;
  /**
   * Whether a successful call goes on the audit trail. Refusals always do. Defaults to every entry that needs more
   * than `console.view` (a command, an import, a read of personal data, an export); set it for the rest.
   */
  audited?: boolean;
  input: I;
  output: O;
  example: z.input<I>;
  invalidExamples: readonly unknown[];
}

export interface EventEntry<P extends z.ZodType = z.ZodType> {
  summary: string;
  payload: P;
  example: z.input<P>;
}

export const invoke = <I extends z.ZodType, O extends z.ZodType>(entry: InvokeEntry<I, O>): InvokeEntry<I, O> => entry;
export const event = <P extends z.ZodType>(entry: EventEntry<P>): EventEntry<P> => entry;

/** Inputs that are not objects at all: every entry refuses them. */
export const notObjects = [null, 42, 'text', [], true] as const;
