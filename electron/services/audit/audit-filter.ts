/**
 * Filters over the audit log, validated before they reach SQL, shared by `query` (paged, newest first) and `export`
 * (streamed, oldest first). Every field narrows: actor, action and scope match exactly, result is one of the three,
 * and the time window is [from, to) in epoch milliseconds.
 */
import { z } from 'zod';
import { AUDIT_RESULTS } from './audit-chain';
import { AuditError } from './audit-key';

export const MAX_QUERY_LIMIT = 1000;

const text = z.string().min(1).max(1000);
const time = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const filterShape = {
  actor: text.optional(),
  action: text.optional(),
  scope: text.optional(),
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
