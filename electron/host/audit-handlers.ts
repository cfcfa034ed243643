/**
 * The handlers of `audit.*` (issue #6): the audit trail's console view and its export for inspectors. The access gate
 * has checked `audit.read` / `audit.export` before these run, and records each call on the trail itself — so every
 * look at the trail, and every export, is traceable too.
 *
 * An export goes to a new file under `<dataDir>/exports/`, named by the time and 16 random hex digits (never a path
 * from the caller), written whole or not at all: a failed export leaves no file behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContractError } from '../../shared/contract';
import {
  AUDIT_EXPORT_NAME,
  AUDIT_FACETS_MAX,
  type AuditExportKind,
  type AuditExportResult,
} from '../../shared/contract/audit-contract';
import { AuditError, type AuditEntry, type AuditLog } from '../services/audit';
import type { Handlers } from './dispatcher';

/** The folder of the data directory that exports are written to (and the web host serves from). */
export const EXPORTS_DIR = 'exports';

type AuditHandlerNames = Extract<keyof Handlers, `audit.${string}`>;

/** `audit-YYYYMMDD-HHMMSS-<16 hex>.<csv|jsonl>`, the time in UTC. */
export function exportFileName(at: number, format: AuditExportKind, random = randomBytes(8).toString('hex')): string {
  const stamp = new Date(at).toISOString().slice(0, 19).replaceAll('-', '').replaceAll(':', '').replace('T', '-');
  return `audit-${stamp}-${random}.${format}`;
}

/** The file an export of that name would be in, or null for a name `audit.export` never writes. */
export function exportFile(exportsDir: string, name: string): string | null {
  return AUDIT_EXPORT_NAME.test(name) ? join(exportsDir, name) : null;
}

/** What the trail's own errors (a filter it cannot read, a key it cannot find) say to the caller. */
function refusal(error: unknown): unknown {
  return error instanceof AuditError ? new ContractError({ code: 'refused', message: error.message }) : error;
}

const view = ({ prevHash: _prev, signature: _signature, ...entry }: AuditEntry) => entry;

/** Counts and hashes what passes through, on its way to the file. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

export function auditHandlers(
  audit: AuditLog,
  dataDir: string,
  now: () => number = Date.now,
): Pick<Handlers, AuditHandlerNames> {
  const exportsDir = join(dataDir, EXPORTS_DIR);

  const exportTo = async (format: AuditExportKind, filter: Parameters<AuditLog['export']>[0]) => {
    const createdDir = !existsSync(exportsDir);
    mkdirSync(exportsDir, { recursive: true, mode: 0o700 });
    const name = exportFileName(now(), format);
    const path = join(exportsDir, name);
    const digest = new Digest();
    // 'wx': a new file or nothing (the random part makes a clash all but impossible; this makes it harmless).
    const written = pipeline(digest, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    written.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
    try {
      const entries = await audit.export(filter, format === 'csv' ? 'csv' : 'json', digest);
      digest.end();
      await written;
      const result: AuditExportResult = {
        name,
        path,
        format,
        entries,
        bytes: digest.bytes,
        sha256: digest.hash.digest('hex'),
      };
      return result;
    } catch (error) {
      digest.destroy();
      await written.catch(() => undefined);
      rmSync(path, { force: true });
      if (createdDir) {
        try {
          rmdirSync(exportsDir);
        } catch {
          // Another export wrote there meanwhile: the folder stays.
        }
      }
      throw refusal(error);
    }
  };

  return {
    'audit.query': (query) => {
      try {
        const page = audit.query(query);
        return { entries: page.entries.map(view), nextBefore: page.nextBefore };
      } catch (error) {
        throw refusal(error);
      }
    },
    'audit.facets': () => {
      try {
        return audit.facets(AUDIT_FACETS_MAX);
      } catch (error) {
        throw refusal(error);
      }
    },
    'audit.verify': async () => {
      try {
        const { entries, ok, firstBad, reason, head } = await audit.verify();
        return { entries, ok, firstBad, reason, head };
      } catch (error) {
        throw refusal(error);
      }
    },
    'audit.export': ({ format, filter }) => exportTo(format, filter ?? {}),
  };
}
