/**
 * Sign-in, first-start setup, the screen lock and the two-person rule's confirmations (issue #6). The session is the
 * window's: the host binds it to the calling window (Electron) or socket (web host), so a call carries no token.
 */
import { z } from 'zod';
import { PERMISSIONS } from '../domain/authority';
import { OPERATOR_ROLES, SCOPE_KINDS } from '../domain/operator-roles';
import { invoke, event, notObjects } from './entry';

const username = z.string().trim().min(1).max(64);
/** Long enough for a passphrase; the policy's minimum is checked by the identity service with a clear message. */
const password = z.string().min(1).max(1024);

export const operatorScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('city') }),
  z.strictObject({ kind: z.enum(SCOPE_KINDS.filter((kind) => kind !== 'city') as ['county', 'l1']), code: z.string() }),
]);

export const signedInOperatorSchema = z.strictObject({
  username: z.string(),
  displayName: z.string(),
  role: z.enum(OPERATOR_ROLES),
  scope: operatorScopeSchema,
  /** The scope's name in the city (null for the whole city). */
  scopeName: z.string().nullable(),
});
export type SignedInOperator = z.infer<typeof signedInOperatorSchema>;

export const identityProviderSchema = z.strictObject({
  kind: z.enum(['local', 'oidc']),
  label: z.strictObject({ zh: z.string(), en: z.string() }),
  available: z.boolean(),
  unavailableReason: z.string().optional(),
  issuer: z.string().optional(),
});

export const sessionStateSchema = z.strictObject({
  /**
   * `setup-required`: no administrator exists yet (first start); `signed-out`: sign in; `signed-in`; `locked`: the
   * screen lock is on, the session lives on and the operator's password unlocks it.
   */
  state: z.enum(['setup-required', 'signed-out', 'signed-in', 'locked']),
  operator: signedInOperatorSchema.nullable(),
  /** What the operator holds in live operation, so the window can hide what would be refused anyway. */
  permissions: z.array(z.enum(PERMISSIONS)),
  /** The screen locks after this long without input. */
  screenLockIdleMs: z.number().int().positive(),
  twoPersonRule: z.boolean(),
  providers: z.array(identityProviderSchema),
  /**
   * Resumes this session on a new connection (the web host after a dropped socket or a reload of the tab); given
   * only in the reply to the call that signed in or resumed. Keep it in memory or the tab's session storage.
   */
  resumeToken: z.string().optional(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

/** A command held by the two-person rule until a second operator confirms it. */
export const confirmationSchema = z.strictObject({
  id: z.string(),
  /** The contract entry it will run, e.g. `broadcast.send`. */
  action: z.string(),
  /** What it does, in the words the second operator needs to decide (target, text, level). */
  summary: z.string(),
  requestedBy: z.strictObject({ username: z.string(), displayName: z.string() }),
  requestedAt: z.number().int(),
  expiresAt: z.number().int(),
  state: z.enum(['pending', 'approved', 'rejected', 'cancelled', 'expired', 'failed']),
  decidedBy: z.strictObject({ username: z.string(), displayName: z.string() }).nullable(),
  /** Why it failed or was rejected; for an approved broadcast, the broadcast's id. */
  outcome: z.string().nullable(),
});
export type Confirmation = z.infer<typeof confirmationSchema>;

const confirmationExample = {
  id: 'c-0123456789',
  action: 'broadcast.send',
  summary: '全市 · 紧急 · 请各网格员立即排查辖区积水点',
  requestedBy: { username: 'li.wei', displayName: '李伟' },
  requestedAt: 1_795_400_000_000,
  expiresAt: 1_795_400_600_000,
  state: 'pending' as const,
  decidedBy: null,
  outcome: null,
};

const byId = z.strictObject({ id: z.string().min(1).max(64) });
const emptyInput = z.strictObject({});

export const sessionInvokeContract = {
  'session.get': invoke({
    summary: "This window's session: setup needed, signed out, signed in (who, what they hold) or locked.",
    permission: 'public',
    input: emptyInput,
    output: sessionStateSchema,
    example: {},
    invalidExamples: [...notObjects, { token: 'x' }],
  }),
  'session.setup': invoke({
    summary: 'First start only: creates the first city administrator and signs this window in as them.',
    permission: 'public',
    audited: true,
    input: z.strictObject({
      username,
      displayName: z.string().trim().min(1).max(64),
      password,
    }),
    output: sessionStateSchema,
    example: { username: 'admin.zz', displayName: '系统管理员', password: 'correct horse battery staple' },
    invalidExamples: [
      ...notObjects,
      {},
      { username: 'a', displayName: 'b' },
      { username: 5, displayName: 'b', password: 'c' },
    ],
  }),
  'session.signIn': invoke({
    summary: 'Signs this window in with a local account (the failures are counted; repeated ones lock the account).',
    permission: 'public',
    audited: true,
    input: z.strictObject({ username, password }),
    output: sessionStateSchema,
    example: { username: 'li.wei', password: 'correct horse battery staple' },
    invalidExamples: [
      ...notObjects,
      {},
      { username: 'li.wei' },
      { username: '', password: 'x' },
      { username: 'a', password: 7 },
    ],
  }),
  'session.resume': invoke({
    summary: 'Binds a live session to this new connection (after a dropped socket or a reload), by its resume token.',
    permission: 'public',
    input: z.strictObject({ token: z.string().min(1).max(128) }),
    output: sessionStateSchema,
    example: { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    invalidExamples: [...notObjects, {}, { token: '' }, { token: 'x'.repeat(200) }],
  }),
  'session.signOut': invoke({
    summary: "Ends this window's session.",
    permission: 'public',
    audited: true,
    input: emptyInput,
    output: sessionStateSchema,
    example: {},
    invalidExamples: [...notObjects, { everywhere: 1 }],
  }),
  'session.lock': invoke({
    summary: 'Locks this window (idle timeout or the lock button): nothing but unlocking answers until then.',
    permission: 'public',
    audited: true,
    input: emptyInput,
    output: sessionStateSchema,
    example: {},
    invalidExamples: [...notObjects, { now: true }],
  }),
  'session.unlock': invoke({
    summary: "Unlocks this window with the signed-in operator's password (failures count toward the lockout).",
    permission: 'public',
    audited: true,
    input: z.strictObject({ password }),
    output: sessionStateSchema,
    example: { password: 'correct horse battery staple' },
    invalidExamples: [...notObjects, {}, { password: '' }, { password: 1 }],
  }),
  'confirmations.list': invoke({
    summary: 'Commands waiting for a second operator, and the recently decided ones.',
    permission: 'console.view',
    input: emptyInput,
    output: z.array(confirmationSchema),
    example: {},
    invalidExamples: [...notObjects, { state: 'pending' }],
  }),
  'confirmations.approve': invoke({
    summary:
      "Confirms another operator's held command, which then runs. The confirming operator must be someone else, " +
      'holding the same authority over the same area.',
    permission: 'console.view',
    audited: true,
    input: byId,
    output: confirmationSchema,
    example: { id: 'c-0123456789' },
    invalidExamples: [...notObjects, {}, { id: '' }, { id: 7 }],
  }),
  'confirmations.reject': invoke({
    summary: 'Refuses a held command (a second operator) or withdraws it (the operator who asked).',
    permission: 'console.view',
    audited: true,
    input: byId,
    output: confirmationSchema,
    example: { id: 'c-0123456789' },
    invalidExamples: [...notObjects, {}, { id: '' }, { id: ['c-1'] }],
  }),
} as const;

export const sessionEventContract = {
  'confirmations.changed': event({
    summary: 'A command was held for a second operator, or a held one was decided or expired.',
    payload: confirmationSchema,
    example: confirmationExample,
  }),
} as const;
