/**
 * Exporting audit entries for inspectors, streamed: pages of entries are read inside one read transaction (one
 * consistent snapshot) and written as they come, waiting for the stream to drain, so millions of entries never sit
 * in memory at once. Entries go out oldest first, in chain order, with their hashes and signatures in hex, so an
 * extract can be checked against the public key outside Gridline.
 *
 * - csv: RFC 4180 (CRLF, fields with a comma, quote or line break quoted, quotes doubled), UTF-8 with a byte-order
 *   mark so that spreadsheet programs read Chinese names right. A text cell that begins with = + - @, a tab or a
 *   carriage return gets a leading apostrophe, so a spreadsheet shows it as text instead of running it as a formula
 *   (CSV injection).
 * - json: JSON Lines — one JSON object per line, no enclosing array, so a reader can stream it too and a cut-off
 *   file loses only its last line.
 *
 * Both use the same field names: id, at (epoch ms), time (ISO 8601, UTC), actor, action, scope, result, reason,
 * payload_hash, prev_hash, entry_hash, signature.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { AuditError } from './audit-key';
import { filterSql, type AuditFilter } from './audit-filter';

export const AUDIT_EXPORT_FORMATS = ['csv', 'json'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const AUDIT_EXPORT_FIELDS = [
  'id',
  'at',
  'time',
  'actor',
  'action',
  'scope',
  'result',
  'reason',
  'payload_hash',
  'prev_hash',
  'entry_hash',
  'signature',
] as const;

type ExportRow = [
  id: number,
  at: number,
  actor: string,
  action: string,
  scope: string,
  result: string,
  reason: string | null,
  payloadHash: Buffer,
  prevHash: Buffer,
  entryHash: Buffer,
  signature: Buffer,
];

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: formula-guarded, then quoted where RFC 4180 needs it. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

function fields(row: ExportRow): (string | number | null)[] {
  const [id, at, actor, action, scope, result, reason, payloadHash, prevHash, entryHash, signature] = row;
  return [
    id,
    at,
    new Date(at).toISOString(),
    actor,
    action,
    scope,
    result,
    reason,
    payloadHash.toString('hex'),
    prevHash.toString('hex'),
    entryHash.toString('hex'),
    signature.toString('hex'),
  ];
}

function csvLine(row: ExportRow): string {
  return `${fields(row).map(csvCell).join(',')}\r\n`;
}

function jsonLine(row: ExportRow): string {
  const values = fields(row);
  return `${JSON.stringify(Object.fromEntries(AUDIT_EXPORT_FIELDS.map((name, i) => [name, values[i]])))}\n`;
}

/** Writes and waits for the stream to drain when its buffer is full; fails if the stream fails or closes first. */
async function write(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new AuditError('the export stream was closed before the export ended');
  if (out.write(chunk, 'utf8')) return;
  const abort = new AbortController();
  try {
    await Promise.race([
      once(out, 'drain', { signal: abort.signal }),
      once(out, 'close', { signal: abort.signal }).then(() => {
        throw new AuditError('the export stream was closed before the export ended');
      }),
    ]);
  } finally {
    abort.abort();
  }
}

/**
 * Streams the entries matching `filter` from the store `file` to `out` in `format`; resolves with how many were
 * written. Does not end `out`: the caller owns it (and may append to it or close it).
 */
export async function exportAuditLog(
  file: string,
  filter: AuditFilter,
  format: AuditExportFormat,
  out: Writable,
  pageSize = 2048,
): Promise<number> {
  if (!AUDIT_EXPORT_FORMATS.includes(format)) {
    throw new AuditError(`an audit export is ${AUDIT_EXPORT_FORMATS.join(' or ')}, not ${String(format)}`);
  }
  const { where, params } = filterSql(filter);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const page = db
      .prepare(
        `SELECT id, at, actor, action, scope, result, reason, payload_hash, prev_hash, entry_hash, signature
         FROM audit_log WHERE id > @after${where ? ` AND ${where}` : ''} ORDER BY id LIMIT @limit`,
      )
      .raw();
    const line = format === 'csv' ? csvLine : jsonLine;
    if (format === 'csv') await write(out, `\uFEFF${AUDIT_EXPORT_FIELDS.join(',')}\r\n`);
    db.exec('BEGIN');
    try {
      let after = 0;
      let written = 0;
      for (;;) {
        const rows = page.all({ ...params, after, limit: pageSize }) as ExportRow[];
        if (rows.length === 0) break;
        await write(out, rows.map(line).join(''));
        written += rows.length;
        after = rows[rows.length - 1]![0];
        if (rows.length < pageSize) break;
      }
      return written;
    } finally {
      db.exec('COMMIT');
    }
  } finally {
    db.close();
  }
}
