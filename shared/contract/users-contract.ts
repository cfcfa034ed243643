/**
 * User and policy administration (issue #6): the administrator's console panel lists the operators, adds them,
 * changes their name, role or scope, disables and enables them, resets their password, lifts a sign-in lock, and
 * edits the identity policy (lockout, sessions, screen lock, the two-person rule). Every entry needs `users.manage`.
 *
 * Passwords go in (`users.add`, `users.resetPassword`, under the key `password`, which the audit trail drops) and
 * never come out: no output carries a password or a hash. The policy's cross-field rules (the screen locks before the
 * session ends, …) and the password policy are checked by the identity service, which answers with the operator's
 * message (`refused`).
 */
import { z } from 'zod';
import { OPERATOR_ROLES } from '../domain/operator-roles';
import { invoke, notObjects } from './entry';
import { operatorScopeSchema } from './session-contract';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** As typed; the identity service normalises it (full-width letters, case) and checks its rule. */
const username = z.string().trim().min(1).max(64);
const displayName = z.string().trim().min(1).max(64);
/** Long enough for a passphrase; the policy's rules are checked by the identity service with a clear message. */
const password = z.string().min(1).max(1024);
const role = z.enum(OPERATOR_ROLES);
/**
 * A county code (district commanders, viewers) or an L1 grid code (street duty officers, viewers); empty or absent is
 * the whole city. Which it is follows from the role (`users.scopeOptions` offers the ones that fit).
 */
const scopeCode = z.string().trim().max(64);

/** An operator as the administrator sees it: no password, no hash. */
export const operatorListingSchema = z.strictObject({
  username: z.string(),
  displayName: z.string(),
  role,
  scope: operatorScopeSchema,
  /** The scope's name in the city; null for the whole city or a code the city no longer has (after an import). */
  scopeName: z.string().nullable(),
  disabled: z.boolean(),
  /** When the sign-in lock after repeated failures ends (epoch ms); null when not locked. */
  lockedUntil: z.number().int().nullable(),
  /** Sessions alive now (not expired, not idle past the policy). */
  activeSessions: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type OperatorListingData = z.infer<typeof operatorListingSchema>;

/** The identity policy's fields with their bounds (the identity service checks the same, and the cross-field rules). */
const policyFields = {
  /** Failed sign-ins within `failureWindowMs` that lock the username. */
  maxFailures: z.int().min(1).max(100),
  failureWindowMs: z
    .int()
    .min(1000)
    .max(7 * DAY),
  /** The first lock's length; each repeat doubles it, up to `maxLockoutMs`. */
  lockoutMs: z
    .int()
    .min(1000)
    .max(7 * DAY),
  maxLockoutMs: z
    .int()
    .min(1000)
    .max(30 * DAY),
  /** A session ends this long after sign-in, however active. */
  sessionLifetimeMs: z
    .int()
    .min(MINUTE)
    .max(7 * DAY),
  /** A session ends after this long without activity. */
  sessionIdleMs: z
    .int()
    .min(MINUTE)
    .max(7 * DAY),
  /** The console locks its screen after this long without input (the session stays). */
  screenLockIdleMs: z
    .int()
    .min(30_000)
    .max(7 * DAY),
  /** City-wide broadcasts and emergency levels I and II need a second operator's confirmation. */
  twoPersonRule: z.boolean(),
};

export const identityPolicyDataSchema = z.strictObject(policyFields);
export type IdentityPolicyData = z.infer<typeof identityPolicyDataSchema>;

/** The policy and the password rules a form shows beside the password field. */
export const usersPolicySchema = z.strictObject({
  policy: identityPolicyDataSchema,
  password: z.strictObject({
    minLength: z.number().int().positive(),
    maxLength: z.number().int().positive(),
  }),
});
export type UsersPolicy = z.infer<typeof usersPolicySchema>;

/** At most this many scope options are answered: a picker searches, it never lists thousands. */
export const SCOPE_OPTIONS_LIMIT = 20;

export const scopeOptionSchema = z.strictObject({
  kind: z.enum(['county', 'l1']),
  code: z.string(),
  name: z.string(),
  /** For an L1 grid, its county's name. */
  parent: z.string().nullable(),
});
export type ScopeOption = z.infer<typeof scopeOptionSchema>;

const byUsername = z.strictObject({ username });
const emptyInput = z.strictObject({});

export const usersInvokeContract = {
  'users.list': invoke({
    summary: 'Every operator: name, role, scope, whether disabled or locked, and how many sessions are alive.',
    permission: 'users.manage',
    input: emptyInput,
    output: z.array(operatorListingSchema),
    example: {},
    invalidExamples: [...notObjects, { role: 'viewer' }, { all: true }],
  }),
  'users.add': invoke({
    summary: 'Adds an operator with a role, a scope that suits it (a county or L1 grid code) and a first password.',
    permission: 'users.manage',
    input: z.strictObject({ username, displayName, role, scopeCode: scopeCode.optional(), password }),
    output: operatorListingSchema,
    example: {
      username: 'zhao.qiang',
      displayName: '赵强',
      role: 'district_commander',
      scopeCode: '410102',
      password: 'amber-lantern-91-harbour',
    },
    invalidExamples: [
      ...notObjects,
      {},
      { username: 'zhao.qiang', displayName: '赵强', role: 'viewer' },
      { username: 'zhao.qiang', displayName: '赵强', role: 'mayor', password: 'amber-lantern-91-harbour' },
      { username: '', displayName: '赵强', role: 'viewer', password: 'amber-lantern-91-harbour' },
      { username: 'zhao.qiang', displayName: ' ', role: 'viewer', password: 'amber-lantern-91-harbour' },
      { username: 'zhao.qiang', displayName: '赵强', role: 'viewer', password: '' },
      { username: 'zhao.qiang', displayName: '赵强', role: 'viewer', scopeCode: 410102, password: 'x' },
      { username: 'zhao.qiang', displayName: '赵强', role: 'viewer', password: 'x', disabled: true },
    ],
  }),
  'users.update': invoke({
    summary:
      "Changes an operator's display name, role or scope. A new role without a scope code means the whole city; a " +
      'new role or scope ends their sessions. The last enabled administrator cannot be demoted.',
    permission: 'users.manage',
    input: z.strictObject({
      username,
      displayName: displayName.optional(),
      role: role.optional(),
      scopeCode: scopeCode.optional(),
    }),
    output: operatorListingSchema,
    example: { username: 'zhao.qiang', role: 'street_duty_officer', scopeCode: 'ZY-01' },
    invalidExamples: [
      ...notObjects,
      {},
      { role: 'viewer' },
      { username: 'zhao.qiang', role: 'mayor' },
      { username: 'zhao.qiang', displayName: '' },
      { username: 'zhao.qiang', password: 'amber-lantern-91-harbour' },
    ],
  }),
  'users.setDisabled': invoke({
    summary:
      'Disables an operator (every session of theirs ends at once) or enables them again. Neither your own account ' +
      'nor the last enabled administrator can be disabled.',
    permission: 'users.manage',
    input: z.strictObject({ username, disabled: z.boolean() }),
    output: operatorListingSchema,
    example: { username: 'zhao.qiang', disabled: true },
    invalidExamples: [...notObjects, {}, { username: 'zhao.qiang' }, { username: 'zhao.qiang', disabled: 'yes' }],
  }),
  'users.resetPassword': invoke({
    summary:
      "Sets a new password (checked against the password policy); ends the operator's sessions and lifts a sign-in " +
      'lock.',
    permission: 'users.manage',
    input: z.strictObject({ username, password }),
    output: operatorListingSchema,
    example: { username: 'zhao.qiang', password: 'quiet-orchard-walks-47' },
    invalidExamples: [...notObjects, {}, { username: 'zhao.qiang' }, { username: 'zhao.qiang', password: '' }],
  }),
  'users.unlock': invoke({
    summary: "Lifts an operator's sign-in lock and forgets their failed attempts.",
    permission: 'users.manage',
    input: byUsername,
    output: operatorListingSchema,
    example: { username: 'zhao.qiang' },
    invalidExamples: [...notObjects, {}, { username: '' }, { username: ['zhao.qiang'] }],
  }),
  'users.getPolicy': invoke({
    summary:
      'The identity policy (lockout, session and screen-lock times, the two-person rule) and the password rules.',
    permission: 'users.manage',
    audited: false,
    input: emptyInput,
    output: usersPolicySchema,
    example: {},
    invalidExamples: [...notObjects, { policy: 'all' }],
  }),
  'users.updatePolicy': invoke({
    summary:
      'Changes some of the identity policy; it holds for every window at once and survives a restart. The screen ' +
      'must lock before a session idles out, and a session idles out before its lifetime ends.',
    permission: 'users.manage',
    input: z.strictObject(policyFields).partial(),
    output: usersPolicySchema,
    example: { twoPersonRule: true, screenLockIdleMs: 5 * MINUTE, sessionIdleMs: HOUR },
    invalidExamples: [
      ...notObjects,
      { maxFailures: 0 },
      { screenLockIdleMs: 1000 },
      { twoPersonRule: 'yes' },
      { sessionIdleMs: 1.5 * MINUTE + 0.5 },
      { minPasswordLength: 8 },
    ],
  }),
  'users.scopeOptions': invoke({
    summary:
      `The counties or L1 grids a role can be scoped to whose name or code matches the text: at most ` +
      `${SCOPE_OPTIONS_LIMIT}, for the scope picker (none for a city-wide role).`,
    permission: 'users.manage',
    // A search of the city's geography as the administrator types: nothing personal, nothing changes.
    audited: false,
    input: z.strictObject({ role, query: z.string().max(64) }),
    output: z.strictObject({ options: z.array(scopeOptionSchema).max(SCOPE_OPTIONS_LIMIT), more: z.boolean() }),
    example: { role: 'district_commander', query: '金水' },
    invalidExamples: [
      ...notObjects,
      {},
      { role: 'viewer' },
      { role: 'mayor', query: '' },
      { role: 'viewer', query: 'x'.repeat(65) },
    ],
  }),
} as const;
