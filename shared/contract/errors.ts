import { z } from 'zod';

/** Every way a contract call can fail, as the renderer sees it. */
export const CONTRACT_ERROR_CODES = [
  /** The input did not match the entry's schema. */
  'invalid-input',
  /** No entry of that name exists. */
  'unknown-entry',
  /** The message itself could not be decoded or lacked its envelope. */
  'malformed-message',
  /** The caller is not who the host accepts (wrong sender frame, no token). */
  'unauthorized',
  /** No operator is signed in on this window (or the session ended): sign in first. */
  'unauthenticated',
  /** The window's screen is locked: unlock it with the operator's password first. */
  'screen-locked',
  /** The signed-in operator's role or scope does not allow it; the message says which, and it is audited. */
  'forbidden',
  /** The two-person rule holds it until a second authorised operator confirms; `ref` names the request. */
  'needs-confirmation',
  /** Understood but refused: bad data in an import, or a state that does not allow it now. The message says why. */
  'refused',
  /** The handler failed; details are in the host's log, not in the reply. */
  'internal',
  /** The connection to the host is down. */
  'unavailable',
] as const;

export type ContractErrorCode = (typeof CONTRACT_ERROR_CODES)[number];

export const contractErrorSchema = z.object({
  code: z.enum(CONTRACT_ERROR_CODES),
  message: z.string(),
  /** Where the input was wrong, for invalid-input: a dotted path and what was expected. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** What the error refers to: the pending confirmation of a needs-confirmation. */
  ref: z.string().max(64).optional(),
});

export type ContractErrorData = z.infer<typeof contractErrorSchema>;

/** The error a failed call rejects with, on either host. */
export class ContractError extends Error {
  readonly code: ContractErrorCode;
  readonly issues: ContractErrorData['issues'];
  readonly ref: string | undefined;

  constructor(data: ContractErrorData) {
    super(data.message);
    this.name = 'ContractError';
    this.code = data.code;
    this.issues = data.issues;
    this.ref = data.ref;
  }

  toData(): ContractErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.issues ? { issues: this.issues } : {}),
      ...(this.ref ? { ref: this.ref } : {}),
    };
  }
}

/** A call's reply: the host never throws across the boundary, it answers with one of these. */
export type CallResult<T> = { ok: true; output: T } | { ok: false; error: ContractErrorData };

/** At most this many issues are described; the rest are counted in one last line. */
export const MAX_DESCRIBED_ISSUES = 20;
/** A path or message is cut at this many characters (zod names unknown keys in its messages). */
export const MAX_ISSUE_TEXT = 200;

const clip = (text: string): string => (text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT)}…` : text);

/**
 * Renders zod issues as short path/message pairs (never echoes the offending values back). Bounded: an array of
 * 50,000 wrong elements, or a key a megabyte long, makes a reply (and a log line) of a few kilobytes, not megabytes.
 */
export function describeIssues(error: z.ZodError): NonNullable<ContractErrorData['issues']> {
  const described = error.issues.slice(0, MAX_DESCRIBED_ISSUES).map((issue) => ({
    path: clip(issue.path.map(String).join('.') || '(input)'),
    message: clip(issue.message),
  }));
  const more = error.issues.length - described.length;
  if (more > 0) described.push({ path: '(input)', message: `and ${more} more issues` });
  return described;
}
