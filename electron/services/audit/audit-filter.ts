/**
 * Filters over the audit log, validated before they reach SQL, shared by `query` (paged, newest first) and `export`
 * (streamed, oldest first). Every field narrows: actor, action and scope match exactly, result is one of the three,
 * and the time window is [from, to) in epoch milliseconds.
 *
 * `area` finds the entries that name a place: a scope is `city` or space-separated place tokens (`county:410102`,
 * `county:410102/l1:410102001`, `l1:410102001`; see access-control.ts), and an area code matches an entry when one of
 * its tokens names that code at any level — `410102` finds the county's own entries and those of its streets;
 * `410102001` finds the street's. `city` finds only the entries that acted on (or were made by an operator of) the
 * whole city. The code is matched as a whole token with instr(), not LIKE: nothing the caller types is a wildcard.
 */
import { z } from 'zod';
import { AUDIT_RESULTS } from './audit-chain';
import { AuditError } from './audit-key';

export const MAX_QUERY_LIMIT = 1000;

const text = z.string().min(1).max(1000);
const time = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** `city`, or a county-level or grid code: letters, digits, `-`, `_` and `.` (no space, colon or slash). */
export const AUDIT_AREA_PATTERN = /^[0-9A-Za-z._-]{1,64}$/;
const area = z.string().regex(AUDIT_AREA_PATTERN, { message: 'an area is `city` or a county or grid code' });

const filterShape = {
  actor: text.optional(),
  action: text.optional(),
  scope: text.optional(),
  area: area.optional(),
  result: z.enum(AUDIT_RESULTS).optional(),
  from: time.optional(),
  to: time.optional(),
};

const windowInOrder = (filter: { from?: number; to?: number }): boolean =>
  filter.from === undefined || filter.to === undefined || filter.from <= filter.to;

export const auditFilterSchema = z
  .strictObject(filterShape)
  .refine(windowInOrder, { message: 'from must not be after to', path: ['from'] });

export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditQuerySchema = z
  .strictObject({
    ...filterShape,
    limit: z.number().int().min(1).max(MAX_QUERY_LIMIT),
    /** Only entries with a smaller id: the previous page's `nextBefore`. */
    before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine(windowInOrder, { message: 'from must not be after to', path: ['from'] });

export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** Parses `value` with `schema`, or throws an AuditError that names every problem. */
export function parseAudit<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  throw new AuditError(`invalid ${what}: ${problems.join('; ')}`);
}

/** The WHERE clause (without WHERE; '' for no filter) and its named parameters, for a validated filter. */
export function filterSql(input: AuditFilter): { where: string; params: Record<string, string | number> } {
  const filter = parseAudit(auditFilterSchema, input, 'audit filter');
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  for (const column of ['actor', 'action', 'scope', 'result'] as const) {
    const value = filter[column];
    if (value !== undefined) {
      clauses.push(`${column} = @${column}`);
      params[column] = value;
    }
  }
  if (filter.area === 'city') {
    clauses.push('scope = @area');
    params.area = 'city';
  } else if (filter.area !== undefined) {
    // Tokens are separated by spaces and a street hangs under its county with '/': both become spaces, so the code
    // is a token when ':<code> ' occurs (the code holds no ':', ' ' or '/').
    clauses.push(`instr(' ' || replace(scope, '/', ' ') || ' ', @area) > 0`);
    params.area = `:${filter.area} `;
  }
  if (filter.from !== undefined) {
    clauses.push('at >= @from');
    params.from = filter.from;
  }
  if (filter.to !== undefined) {
    clauses.push('at < @to');
    params.to = filter.to;
  }
  return { where: clauses.join(' AND '), params };
}
