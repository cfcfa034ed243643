/**
 * The audit trail at scale: records N entries (the first 10,000 one transaction each, as the console writes them,
 * to time `record`; the rest in batches), then times `verify` over the whole chain and a CSV export of it, with the
 * process's peak memory, which stays flat because both stream. Prints progress on stderr and one JSON object as the
 * last line of stdout.
 *
 *   npm run bench -- audit [--entries N] [--workers N] [--data-dir DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { AuditLog, type AuditRecord } from '../../electron/services/audit';
import { openStore } from '../../electron/services/store/store';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    workers: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const entries = Number(values.entries);
if (!Number.isInteger(entries) || entries < 1) throw new Error('--entries must be a positive integer');
const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);
const log = (message: string): void => void process.stderr.write(`[audit] ${message}\n`);
const round = (value: number): number => Number(value.toFixed(2));
const peakRssMb = (): number => round(process.resourceUsage().maxRSS / 1024);

const ACTIONS = ['broadcast.send', 'workers.read-personal', 'tickets.close', 'emergency.switch', 'audit.export'];
const entry = (i: number): AuditRecord => {
  const refused = i % 50 === 0;
  return {
    actor: `operator-${i % 40}`,
    action: ACTIONS[i % ACTIONS.length]!,
    scope: i % 3 ? `county:4101${String(i % 16).padStart(2, '0')}` : 'city',
    result: refused ? 'refused' : 'ok',
    ...(refused ? { reason: 'outside the operator’s scope' } : {}),
    payload: { i, target: { kind: 'grids', codes: [i % 215, i % 3530] }, text: '请立即巡查辖区内积水点' },
  };
};

const dir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'gridline-audit-bench-'));
try {
  const store = openStore(dir);
  const audit = new AuditLog(store);
  // A --data-dir that already holds a log is topped up to N entries (or used as it is), so verify can be re-timed.
  const existing = audit.head()?.lastId ?? 0;
  const timedTo = Math.min(entries, existing + 10_000);
  let started = performance.now();
  for (let i = existing + 1; i <= timedTo; i++) audit.record(entry(i));
  const recordUs = timedTo > existing ? ((performance.now() - started) * 1000) / (timedTo - existing) : null;
  if (recordUs !== null) {
    log(`record: ${recordUs.toFixed(1)} µs an entry, one transaction each (${timedTo - existing} entries)`);
  }

  started = performance.now();
  const batch = store.writer.transaction((from: number, to: number) => {
    for (let i = from; i <= to; i++) audit.record(entry(i));
  });
  for (let from = timedTo + 1; from <= entries; from += 10_000) {
    batch(from, Math.min(entries, from + 9_999));
    if ((from - 1) % 100_000 === 0) log(`recorded ${from - 1} / ${entries}`);
  }
  const fillS = (performance.now() - started) / 1000;
  store.writer.pragma('wal_checkpoint(TRUNCATE)');
  const rssBeforeVerifyMb = round(process.memoryUsage().rss / 2 ** 20);

  started = performance.now();
  let lastLog = 0;
  const result = await audit.verify({
    workers,
    onProgress: ({ checked, total }) => {
      if (Date.now() - lastLog < 5000) return;
      lastLog = Date.now();
      log(`verifying ${checked} / ${total}`);
    },
  });
  const verifyS = (performance.now() - started) / 1000;
  if (!result.ok || result.entries < entries) throw new Error(`verify failed: ${JSON.stringify(result)}`);
  log(`verified ${result.entries} entries in ${verifyS.toFixed(1)} s with ${workers} signature workers`);
  const peakAfterVerifyMb = peakRssMb();

  started = performance.now();
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  const exported = await audit.export({}, 'csv', sink);
  const exportS = (performance.now() - started) / 1000;
  log(`exported ${exported} entries as CSV (${(bytes / 2 ** 20).toFixed(0)} MB) in ${exportS.toFixed(1)} s`);
  store.close();

  console.log(
    JSON.stringify({
      bench: 'audit',
      entries: result.entries,
      recordUs: recordUs === null ? null : round(recordUs),
      fillS: round(fillS),
      verifyS: round(verifyS),
      verifyEntriesPerS: Math.round(result.entries / verifyS),
      signatureWorkers: workers,
      exportCsvS: round(exportS),
      exportCsvMb: round(bytes / 2 ** 20),
      rssBeforeVerifyMb,
      peakRssAfterVerifyMb: peakAfterVerifyMb,
      peakRssMb: peakRssMb(),
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
    }),
  );
} finally {
  if (!values['data-dir']) rmSync(dir, { recursive: true, force: true });
}
