/**
 * `npm run audit -- <command>`: the audit trail from the command line, for inspectors and deployments.
 *
 *   verify [--data-dir DIR] [--workers N] [--anchor ID:HASH]
 *       walk the chain; progress on stderr, then one JSON object on stdout: {"entries":N,"ok":true|false,
 *       "firstBad":id|null}. --anchor: a head noted earlier (verify prints it on stderr), which the log must still
 *       hold unchanged — the check for a rollback or a rewrite with the key.
 *
 * Exit codes: 0 the chain verifies; 1 it is broken (the JSON names the first bad entry, stderr says why); 2 it
 * cannot be verified (no store in DIR, a store without an audit log, the public key missing) or a usage error.
 * The store is opened read-only and never migrated or created. --data-dir falls back to GRIDLINE_DATA_DIR, then to
 * the console's own data directory.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../host/config';
import { AUDIT_KEY_DIR, AuditError, verifyAuditLog, type AuditVerifyProgress } from '../services/audit';
import { STORE_FILE } from '../services/store/store';

const USAGE = 'usage: npm run audit -- verify [--data-dir DIR] [--workers N] [--anchor ID:HASH]';

class UsageError extends Error {}

interface Anchor {
  lastId: number;
  lastHash: string;
}

async function verify(dataDir: string, workers: number | undefined, anchor: Anchor | undefined): Promise<number> {
  const file = join(dataDir, STORE_FILE);
  if (!existsSync(file)) throw new AuditError(`no Gridline store in ${dataDir} (${STORE_FILE} not found)`);
  const interactive = process.stderr.isTTY;
  let lastLine = 0;
  const started = performance.now();
  const progress = ({ checked, total }: AuditVerifyProgress): void => {
    const now = Date.now();
    if (now - lastLine < (interactive ? 100 : 2000) && checked < total) return;
    lastLine = now;
    const percent = total ? ((checked / total) * 100).toFixed(1) : '100.0';
    const line = `verifying ${checked} / ${total} entries (${percent}%)`;
    process.stderr.write(interactive ? `\r${line}` : `${line}\n`);
  };
  const result = await verifyAuditLog(file, join(dataDir, AUDIT_KEY_DIR), { onProgress: progress, workers, anchor });
  if (interactive) process.stderr.write('\n');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.ok) {
    const head = result.head ? `; head (for --anchor) ${result.head.lastId}:${result.head.lastHash}` : '';
    const key = result.keyFingerprint ? `; key ${result.keyFingerprint}` : '';
    process.stderr.write(`audit log verified: ${result.entries} entries in ${seconds} s${head}${key}\n`);
  } else {
    process.stderr.write(`audit log BROKEN at entry ${result.firstBad}: ${result.reason}\n`);
  }
  console.log(JSON.stringify({ entries: result.entries, ok: result.ok, firstBad: result.firstBad }));
  return result.ok ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' }, workers: { type: 'string' }, anchor: { type: 'string' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 256)) {
    throw new UsageError('--workers must be an integer from 0 to 256');
  }
  let anchor: Anchor | undefined;
  if (values.anchor !== undefined) {
    const match = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(values.anchor);
    if (!match || Number(match[1]) < 1) throw new UsageError('--anchor must be ID:HASH, an entry id and its hex hash');
    anchor = { lastId: Number(match[1]), lastHash: match[2]!.toLowerCase() };
  }
  const dataDir = resolve(values['data-dir'] ?? (process.env.GRIDLINE_DATA_DIR || defaultDataDir()));
  switch (command) {
    case 'verify':
      return verify(dataDir, workers, anchor);
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`gridline audit: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = 2;
  },
);
