/**
 * The audit trail's console view and its export for inspectors (issue #6, 每次访问可追溯): page through the entries
 * newest first by operator, action, area, result and time; list the operators and actions to filter by; check the
 * hash chain; and write a filtered extract (CSV or JSON Lines) into the console's data directory. Reading the trail is
 * a city commander's or an administrator's (`audit.read`); exporting it an administrator's (`audit.export`). Every
 * call is itself on the trail.
 */
import { z } from 'zod';
import { invoke, notObjects } from './entry';

export const AUDIT_ENTRY_RESULTS = ['ok', 'refused', 'failed'] as const;
export const AUDIT_EXPORT_KINDS = ['csv', 'jsonl'] as const;
export type AuditExportKind = (typeof AUDIT_EXPORT_KINDS)[number];

/** The most entries one page holds. */
export const AUDIT_PAGE_MAX = 200;
/** The most actors (and actions) `audit.facets` lists. */
export const AUDIT_FACETS_MAX = 500;

/**
 * The name of a file `audit.export` writes: the UTC time it was written, then 16 random hex digits, so that a name
 * cannot be guessed (the web host serves these files by name).
 */
export const AUDIT_EXPORT_NAME = /^audit-\d{8}-\d{6}-[0-9a-f]{16}\.(csv|jsonl)$/;

const time = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = z.string().min(1).max(200);

const filterShape = {
  /** The operator's username, exactly. */
  actor: text.optional(),
  /** The contract entry, exactly, e.g. `broadcast.send`. */
  action: text.optional(),
  /**
   * `city`, or a county-level or street code: the entries whose scope names that place (a county's code finds its
   * streets' entries too).
   */
  area: z
    .string()
    .regex(/^[0-9A-Za-z._-]{1,64}$/, { message: 'an area is `city` or a county or grid code' })
    .optional(),
  result: z.enum(AUDIT_ENTRY_RESULTS).optional(),
  /** Epoch milliseconds: from (inclusive) and to (exclusive). */
  from: time.optional(),
  to: time.optional(),
};

const windowInOrder = (filter: { from?: number | undefined; to?: number | undefined }): boolean =>
  filter.from === undefined || filter.to === undefined || filter.from <= filter.to;
const windowMessage = { message: 'from must not be after to', path: ['from'] };

export const auditFilterInputSchema = z.strictObject(filterShape).refine(windowInOrder, windowMessage);
export type AuditFilterInput = z.infer<typeof auditFilterInputSchema>;

export const auditEntryViewSchema = z.strictObject({
  id: z.number().int().positive(),
  /** Epoch milliseconds. */
  at: z.number().int(),
  actor: z.string(),
  action: z.string(),
  /** `city`, or places as `county:<code>` and `county:<code>/l1:<code>`, space separated. */
  scope: z.string(),
  result: z.enum(AUDIT_ENTRY_RESULTS),
  reason: z.string().nullable(),
  /** SHA-256 of the request as sent (secrets left out), hex; the request itself is never stored. */
  payloadHash: z.string(),
  entryHash: z.string(),
});
export type AuditEntryView = z.infer<typeof auditEntryViewSchema>;

export const auditPageSchema = z.strictObject({
  /** Newest first. */
  entries: z.array(auditEntryViewSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.number().int().positive().nullable(),
});
export type AuditPageView = z.infer<typeof auditPageSchema>;

export const auditFacetsSchema = z.strictObject({
  actors: z.array(z.string()),
  actions: z.array(z.string()),
  /** More exist than are listed (type the name instead). */
  truncated: z.boolean(),
});
export type AuditFacetsView = z.infer<typeof auditFacetsSchema>;

export const auditVerifySchema = z.strictObject({
  entries: z.number().int().nonnegative(),
  ok: z.boolean(),
  /** The lowest id at which the log is not what was signed; null when ok. */
  firstBad: z.number().int().positive().nullable(),
  /** Why it is not ok, in words; null when ok. */
  reason: z.string().nullable(),
  /** The signed head, to note down outside the machine; null when there is none to trust. */
  head: z.strictObject({ lastId: z.number().int(), lastHash: z.string() }).nullable(),
});
export type AuditVerifyView = z.infer<typeof auditVerifySchema>;

export const auditExportResultSchema = z.strictObject({
  /** The file's name, under `exports/` in the console's data directory (the web host serves it at /exports/<name>). */
  name: z.string().regex(AUDIT_EXPORT_NAME),
  /** Where it is on the console's machine. */
  path: z.string(),
  format: z.enum(AUDIT_EXPORT_KINDS),
  entries: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** SHA-256 of the file, hex: to note beside the file when it is handed over. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditExportResult = z.infer<typeof auditExportResultSchema>;

const emptyInput = z.strictObject({});

export const auditInvokeContract = {
  'audit.query': invoke({
    summary: 'A page of the audit trail, newest first, filtered by operator, action, area, result and time.',
    permission: 'audit.read',
    input: z
      .strictObject({
        ...filterShape,
        limit: z.number().int().min(1).max(AUDIT_PAGE_MAX),
        /** Only entries with a smaller id: the previous page's `nextBefore`. */
        before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
      })
      .refine(windowInOrder, windowMessage),
    output: auditPageSchema,
    example: { limit: 50, actor: 'li.wei', area: '410102', from: 1_795_300_000_000, to: 1_795_400_000_000 },
    invalidExamples: [
      ...notObjects,
      {},
      { limit: 0 },
      { limit: AUDIT_PAGE_MAX + 1 },
      { limit: 10, before: 0 },
      { limit: 10, area: 'county:410102' },
      { limit: 10, area: '410102%' },
      { limit: 10, result: 'maybe' },
      { limit: 10, from: 2, to: 1 },
      { limit: 10, scope: 'city' },
    ],
  }),
  'audit.facets': invoke({
    summary: 'The operators and actions on the audit trail, for the filters (at most 500 of each).',
    permission: 'audit.read',
    input: emptyInput,
    output: auditFacetsSchema,
    example: {},
    invalidExamples: [...notObjects, { limit: 10 }],
  }),
  'audit.verify': invoke({
    summary: 'Walks the whole hash chain and its signatures: ok, or the first entry that is not what was signed.',
    permission: 'audit.read',
    input: emptyInput,
    output: auditVerifySchema,
    example: {},
    invalidExamples: [...notObjects, { anchor: '1:ab' }],
  }),
  'audit.export': invoke({
    summary:
      'Writes the entries matching the filter, oldest first, with hashes and signatures, to a new file under ' +
      "exports/ in the console's data directory (CSV or JSON Lines), and says its name, size and SHA-256.",
    permission: 'audit.export',
    input: z.strictObject({ format: z.enum(AUDIT_EXPORT_KINDS), filter: auditFilterInputSchema.optional() }),
    output: auditExportResultSchema,
    example: { format: 'csv', filter: { area: '410102', from: 1_795_300_000_000 } },
    invalidExamples: [
      ...notObjects,
      {},
      { format: 'xlsx' },
      { format: 'json' },
      { format: 'csv', path: '/tmp/out.csv' },
      { format: 'csv', filter: { area: '../x' } },
      { format: 'jsonl', filter: { from: 2, to: 1 } },
      { format: 'csv', filter: { limit: 10 } },
    ],
  }),
} as const;
