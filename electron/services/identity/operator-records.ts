/**
 * Operators as rows: input validation (usernames, display names, roles, scopes against the city in the store) and
 * the mapping to the `Operator` the rest of the console sees, which never carries the password hash.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import {
  OPERATOR_ROLES,
  ROLE_LABELS,
  ROLE_SCOPE_KINDS,
  type OperatorRole,
  type OperatorScope,
  type ScopeKind,
} from '../../../shared/domain/operator-roles';
import { IdentityError } from './identity-error';

export interface Operator {
  id: number;
  /** Normalised: lower-case ASCII. */
  username: string;
  displayName: string;
  role: OperatorRole;
  scope: OperatorScope;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** The columns an `Operator` is read from; the hash is selected only where a password is checked. */
export const OPERATOR_COLUMNS =
  'id, username, display_name, role, scope_kind, scope_code, disabled, created_at, updated_at';

export interface OperatorRow {
  id: number;
  username: string;
  display_name: string;
  role: OperatorRole;
  scope_kind: ScopeKind;
  scope_code: string | null;
  disabled: 0 | 1;
  created_at: number;
  updated_at: number;
}

export function operatorFromRow(row: OperatorRow): Operator {
  const scope: OperatorScope =
    row.scope_kind === 'city' ? { kind: 'city' } : { kind: row.scope_kind, code: row.scope_code ?? '' };
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    scope,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;
export const USERNAME_RULE =
  "usernames are 3 to 32 characters: letters a-z, digits, '.', '_' or '-', starting with a letter or digit";

/**
 * How a typed username is compared: NFKC (full-width letters from a Chinese IME become ASCII), trimmed, lower case.
 * Also the key of the sign-in throttle, so it is capped: an attacker's megabyte of "username" stays small.
 */
export const normaliseUsername = (typed: string): string => typed.normalize('NFKC').trim().toLowerCase().slice(0, 64);

export function parseUsername(typed: unknown): string {
  const username = typeof typed === 'string' ? normaliseUsername(typed) : '';
  if (!USERNAME.test(username)) throw new IdentityError('invalid', `Invalid username: ${USERNAME_RULE}.`);
  return username;
}

const displayNameSchema = z
  .string()
  .transform((name) => name.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, 'it must not be empty')
      .max(64, 'it must be at most 64 characters')
      // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
      .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'it must not contain control characters'),
  );

export function parseDisplayName(value: unknown): string {
  const parsed = displayNameSchema.safeParse(value);
  if (!parsed.success) {
    throw new IdentityError(
      'invalid',
      `Invalid display name: ${parsed.error.issues.map((i) => i.message).join('; ')}.`,
    );
  }
  return parsed.data;
}

export function parseRole(value: unknown): OperatorRole {
  const role = OPERATOR_ROLES.find((known) => known === value);
  if (!role)
    throw new IdentityError('invalid', `Invalid role: ${String(value)} (one of ${OPERATOR_ROLES.join(', ')}).`);
  return role;
}

const SCOPE_WORDS: Record<ScopeKind, string> = {
  city: 'the whole city',
  county: 'one county-level unit (a county code such as 410102)',
  l1: 'one L1 street grid (an L1 grid code)',
};

/**
 * Checks that `scope` suits `role` and names a county or L1 grid that is in the city now. Returns the scope with
 * its code trimmed.
 */
export function checkScope(db: Database, role: OperatorRole, scope: OperatorScope): OperatorScope {
  const allowed = ROLE_SCOPE_KINDS[role];
  if (!allowed.includes(scope.kind)) {
    const words = allowed.map((kind) => SCOPE_WORDS[kind]).join(' or ');
    throw new IdentityError('invalid', `A ${ROLE_LABELS[role].en.toLowerCase()} acts in ${words}.`);
  }
  if (scope.kind === 'city') return { kind: 'city' };
  const code = scope.code.trim();
  if (scope.kind === 'county') {
    if (!db.prepare('SELECT 1 FROM counties WHERE code = ?').get(code)) {
      throw new IdentityError('invalid', `No county-level unit has code ${JSON.stringify(code)}${cityHint(db)}.`);
    }
    return { kind: 'county', code };
  }
  const grid = db.prepare('SELECT level FROM grids WHERE code = ?').get(code) as { level: string } | undefined;
  if (!grid) throw new IdentityError('invalid', `No grid has code ${JSON.stringify(code)}${cityHint(db)}.`);
  if (grid.level !== 'L1') {
    throw new IdentityError('invalid', `Grid ${code} is an ${grid.level} grid; a street scope is an L1 grid.`);
  }
  return { kind: 'l1', code };
}

const cityHint = (db: Database): string =>
  db.prepare('SELECT 1 FROM counties LIMIT 1').get()
    ? ''
    : ' (the city is not in the store yet: generate or import it)';

/**
 * The scope a bare code means for a role, for the command line and forms that take one code: a county for a
 * district commander, an L1 grid for a street duty officer, whichever exists for a viewer; no code is the city.
 */
export function scopeFromCode(db: Database, role: OperatorRole, code: string | undefined): OperatorScope {
  if (code === undefined || code.trim() === '') return { kind: 'city' };
  const trimmed = code.trim();
  const [only, ...others] = ROLE_SCOPE_KINDS[role].filter((kind) => kind !== 'city');
  if (!only) throw new IdentityError('invalid', `A ${ROLE_LABELS[role].en.toLowerCase()} acts in the whole city.`);
  if (others.length === 0) return { kind: only, code: trimmed };
  const isCounty = db.prepare('SELECT 1 FROM counties WHERE code = ?').get(trimmed) !== undefined;
  return { kind: isCounty ? 'county' : 'l1', code: trimmed };
}

/** The county's or grid's current name, or null when the city no longer has it (after a grids import). */
export function scopeName(db: Database, scope: OperatorScope): string | null {
  if (scope.kind === 'city') return null;
  const table = scope.kind === 'county' ? 'counties' : 'grids';
  const row = db.prepare(`SELECT name FROM ${table} WHERE code = ?`).get(scope.code) as { name: string } | undefined;
  return row?.name ?? null;
}
