/**
 * The audit chain's byte formats, in one place so that `record` and `verify` cannot drift apart. Changing any of
 * them breaks every existing log: a new format gets a new version tag.
 *
 * - entry hash = SHA-256 of the UTF-8 JSON array
 *   `["gridline-audit-entry-v1", id, at, actor, action, scope, result, reason|null, payloadHashHex, prevHashHex]`.
 *   JSON.stringify of an array of strings, safe integers and null is deterministic and unambiguous (every field is
 *   delimited and escaped), and the id is inside, so an entry cannot be moved to another place in the log.
 * - the first entry's prev hash = SHA-256 of `gridline-audit-genesis-v1\n<key fingerprint>`, which ties the chain to
 *   the install's key and makes the first entry as checkable as any other.
 * - an entry's signature = Ed25519 over the 32 bytes of its entry hash.
 * - the head's signature = Ed25519 over `gridline-audit-head-v1\n<key fingerprint>\n<last id>\n<last hash hex>`:
 *   the signed claim "the log has exactly `last id` entries and ends in `last hash`", which is how truncation at the
 *   end is caught. It cannot be confused with an entry signature (different length and prefix).
 */
import { createHash } from 'node:crypto';

export const AUDIT_RESULTS = ['ok', 'refused', 'failed'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** The hashed fields of one entry, as stored. */
export interface ChainedFields {
  id: number;
  at: number;
  actor: string;
  action: string;
  scope: string;
  result: AuditResult;
  reason: string | null;
  payloadHash: Uint8Array;
  prevHash: Uint8Array;
}

const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function entryHash(fields: ChainedFields): Buffer {
  return sha256(
    JSON.stringify([
      'gridline-audit-entry-v1',
      fields.id,
      fields.at,
      fields.actor,
      fields.action,
      fields.scope,
      fields.result,
      fields.reason,
      hex(fields.payloadHash),
      hex(fields.prevHash),
    ]),
  );
}

export function genesisHash(keyFingerprint: string): Buffer {
  return sha256(`gridline-audit-genesis-v1\n${keyFingerprint}`);
}

export function headMessage(keyFingerprint: string, lastId: number, lastHash: Uint8Array): Buffer {
  return Buffer.from(`gridline-audit-head-v1\n${keyFingerprint}\n${lastId}\n${hex(lastHash)}`, 'utf8');
}
