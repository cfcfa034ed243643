/**
 * The handlers of `users.*`: the administrator's user and policy administration (issue #6). The gate has already
 * checked `users.manage` and audits each call (without the `password` key); these handlers call the identity service
 * and turn its refusals into contract errors with the operator's message.
 *
 * An identity refusal of input the contract accepted (a taken or malformed username, a scope code the city does not
 * have, a weak password, a policy whose times contradict each other, the last administrator) is `refused`, never
 * `invalid-input`: that code means the contract's own schema refused the input before any handler ran.
 */
import { ContractError } from '../../shared/contract';
import {
  SCOPE_OPTIONS_LIMIT,
  type OperatorListingData,
  type ScopeOption,
  type UsersPolicy,
} from '../../shared/contract/users-contract';
import { ROLE_SCOPE_KINDS, type OperatorRole } from '../../shared/domain/operator-roles';
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  normaliseUsername,
  type IdentityService,
  type OperatorListing,
} from '../services/identity';
import type { Store } from '../services/store/store';
import { contractErrorFromIdentity } from './client-sessions';
import type { CallContext, Handlers } from './dispatcher';

type UsersHandlerNames = Extract<keyof Handlers, `users.${string}`>;

/** `LIKE` treats % and _ as wildcards; the query is text. */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** An identity refusal as a contract error: `refused` (or `unauthenticated`), with the service's message. */
function usersError(error: unknown): unknown {
  const mapped = contractErrorFromIdentity(error);
  if (mapped instanceof ContractError && mapped.code === 'invalid-input') {
    return new ContractError({ code: 'refused', message: mapped.message });
  }
  return mapped;
}

const guarded = async <T>(work: () => T | Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw usersError(error);
  }
};

/** The listing as the contract has it: named fields only (no row id, nothing secret). */
const listingData = (operator: OperatorListing): OperatorListingData => ({
  username: operator.username,
  displayName: operator.displayName,
  role: operator.role,
  scope: operator.scope,
  scopeName: operator.scopeName,
  disabled: operator.disabled,
  lockedUntil: operator.lockedUntil,
  activeSessions: operator.activeSessions,
  createdAt: operator.createdAt,
  updatedAt: operator.updatedAt,
});

/** Whether the call is about the signed-in administrator's own account. */
const isSelf = (context: CallContext, username: string): boolean =>
  context.operator !== undefined && context.operator.username === normaliseUsername(username);

export function usersHandlers(
  identity: IdentityService,
  store: Pick<Store, 'reader'>,
): Pick<Handlers, UsersHandlerNames> {
  /** One operator's listing now (the service's `getOperator` answers `not-found` for an unknown name). */
  const listing = (username: string): OperatorListingData => {
    const { username: key } = identity.getOperator(username);
    const found = identity.listOperators().find((operator) => operator.username === key);
    if (!found) throw new ContractError({ code: 'refused', message: `No operator is named ${JSON.stringify(key)}.` });
    return listingData(found);
  };

  const policy = (): UsersPolicy => ({
    policy: identity.getPolicy(),
    password: { minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH },
  });

  /** Counties, then L1 grids, whose code starts with or whose name contains the text; the first page for no text. */
  const scopeOptions = (role: OperatorRole, rawQuery: string): { options: ScopeOption[]; more: boolean } => {
    const kinds = ROLE_SCOPE_KINDS[role];
    const query = rawQuery.trim();
    const code = query.toUpperCase();
    const name = `%${likeEscape(query)}%`;
    const db = store.reader();
    const take = SCOPE_OPTIONS_LIMIT + 1;
    const found: ScopeOption[] = [];
    if (kinds.includes('county')) {
      const rows = db
        .prepare(
          `SELECT code, name FROM counties
           WHERE ? = '' OR (upper(code) >= ? AND upper(code) < ?) OR name LIKE ? ESCAPE '\\' OR name_en LIKE ? ESCAPE '\\'
           ORDER BY CASE WHEN upper(code) = ? THEN 0 WHEN name = ? THEN 1 ELSE 2 END, code
           LIMIT ?`,
        )
        .all(query, code, `${code}\uffff`, name, name, code, query, take) as { code: string; name: string }[];
      found.push(...rows.map((row) => ({ kind: 'county' as const, code: row.code, name: row.name, parent: null })));
    }
    if (kinds.includes('l1') && found.length < take) {
      const rows = db
        .prepare(
          `SELECT g.code, g.name, c.name AS parent FROM grids g LEFT JOIN counties c ON c.id = g.county_id
           WHERE g.level = 'L1'
             AND (? = '' OR (upper(g.code) >= ? AND upper(g.code) < ?) OR g.name LIKE ? ESCAPE '\\')
           ORDER BY CASE WHEN upper(g.code) = ? THEN 0 WHEN g.name = ? THEN 1 ELSE 2 END, g.code
           LIMIT ?`,
        )
        .all(query, code, `${code}\uffff`, name, code, query, take - found.length) as {
        code: string;
        name: string;
        parent: string | null;
      }[];
      found.push(...rows.map((row) => ({ kind: 'l1' as const, code: row.code, name: row.name, parent: row.parent })));
    }
    return { options: found.slice(0, SCOPE_OPTIONS_LIMIT), more: found.length > SCOPE_OPTIONS_LIMIT };
  };

  return {
    'users.list': () => guarded(() => identity.listOperators().map(listingData)),
    'users.add': ({ username, displayName, role, scopeCode, password }) =>
      guarded(async () => {
        const operator = await identity.addOperator({
          username,
          displayName,
          role,
          scope: identity.scopeFromCode(role, scopeCode),
          password,
        });
        return listing(operator.username);
      }),
    'users.update': ({ username, displayName, role, scopeCode }) =>
      guarded(() => {
        const current = identity.getOperator(username);
        // The role it has already is no change (the service reads a new role without a scope as the whole city).
        const newRole = role === undefined || role === current.role ? undefined : role;
        // A scope code is read for the role the operator will have; a new role without one means the whole city.
        const scope = scopeCode === undefined ? undefined : identity.scopeFromCode(newRole ?? current.role, scopeCode);
        const operator = identity.updateOperator(current.username, {
          ...(displayName === undefined ? {} : { displayName }),
          ...(newRole === undefined ? {} : { role: newRole }),
          ...(scope === undefined ? {} : { scope }),
        });
        return listing(operator.username);
      }),
    'users.setDisabled': ({ username, disabled }, context) =>
      guarded(() => {
        if (disabled && isSelf(context, username)) {
          throw new ContractError({
            code: 'refused',
            message: 'You cannot disable your own account: another administrator must do it.',
          });
        }
        return listing(identity.setDisabled(username, disabled).username);
      }),
    'users.resetPassword': ({ username, password }) =>
      guarded(async () => listing((await identity.resetPassword(username, password)).username)),
    'users.unlock': ({ username }) =>
      guarded(() => {
        const { username: key } = identity.getOperator(username);
        identity.unlock(key);
        return listing(key);
      }),
    'users.getPolicy': () => guarded(policy),
    'users.updatePolicy': (changes) =>
      guarded(() => {
        identity.updatePolicy(changes);
        return policy();
      }),
    'users.scopeOptions': ({ role, query }) => guarded(() => scopeOptions(role, query)),
  };
}
