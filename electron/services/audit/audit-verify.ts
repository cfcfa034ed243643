/**
 * Verifying the audit chain: walk the log in id order, page by page inside one read transaction (a consistent
 * snapshot, memory bounded by a page whatever the log's size), and check for each entry that
 *   - its id is the next one (a gap is a deletion),
 *   - its prev hash is the entry hash of the entry before (the genesis hash for entry 1),
 *   - its fields hash to its entry hash (an edit; the id is hashed, so a moved or swapped entry fails too),
 *   - its signature is the install key's over its entry hash (a forged or inserted entry),
 * then that the signed head names the last entry: entries removed from the end leave the head pointing past it.
 *
 * `firstBad` is the lowest id at which the log stops being what was signed: an edited, forged, moved or unsigned
 * entry's own id; for deleted entries, the first missing id (after truncation: the last remaining id + 1).
 */
import { verify as verifySignature } from 'node:crypto';
import { availableParallelism } from 'node:os';
import Database from 'better-sqlite3';
import { AUDIT_RESULTS, entryHash, genesisHash, headMessage, type AuditResult } from './audit-chain';
import { AuditError, loadAuditPublicKey } from './audit-key';
import { SignatureChecker } from './signature-checker';

export interface AuditVerifyProgress {
  /** Entries walked so far (their signatures may still be being checked). */
  checked: number;
  /** Entries in the log when the walk began. */
  total: number;
}

export interface AuditVerifyOptions {
  onProgress?: (progress: AuditVerifyProgress) => void;
  /** Worker threads for the signature checks; default: one per core, none for logs under 20,000 entries. */
  workers?: number;
  /** Entries read per page. */
  pageSize?: number;
  /**
   * A head noted earlier, outside the machine: the log must still hold that entry with that hash. This catches what
   * the signatures cannot — a rollback to an earlier state, or a rewrite by someone holding the private key.
   */
  anchor?: { lastId: number; lastHash: string };
}

export interface AuditVerifyResult {
  /** Entries in the log. */
  entries: number;
  ok: boolean;
  /** The lowest id at which the log is not what was signed; null when ok. */
  firstBad: number | null;
  /** Why it is not ok, in words; null when ok. */
  reason: string | null;
  /** The key the log is signed with (null for an install that has audited nothing). */
  keyFingerprint: string | null;
  /** The signed head: the last id and its entry hash, to note down outside the machine (null when untrusted). */
  head: { lastId: number; lastHash: string } | null;
}

interface HeadRow {
  key_fingerprint: string;
  last_id: number;
  last_hash: Buffer;
  signature: Buffer;
}

type EntryRow = [
  id: bigint,
  at: bigint,
  actor: unknown,
  action: unknown,
  scope: unknown,
  result: unknown,
  reason: unknown,
  payloadHash: unknown,
  prevHash: unknown,
  entryHash: unknown,
  signature: unknown,
];

const SMALL_LOG = 20_000;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const isBytes = (value: unknown, length: number): value is Buffer => Buffer.isBuffer(value) && value.length === length;
const isResult = (value: unknown): value is AuditResult => AUDIT_RESULTS.includes(value as AuditResult);

/** Tracks the lowest bad id and why. */
class Finding {
  id: number | null = null;
  reason: string | null = null;
  note(id: number, reason: string): void {
    if (this.id === null || id < this.id) {
      this.id = id;
      this.reason = reason;
    }
  }
}

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/**
 * Verifies the audit log in the store `file`, with the public key in `keyDir`. Throws an AuditError when it cannot
 * verify at all (no audit log in the store, the public key missing or not the one the head names).
 */
export async function verifyAuditLog(
  file: string,
  keyDir: string,
  options: AuditVerifyOptions = {},
): Promise<AuditVerifyResult> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    if (!tableExists(db, 'audit_log') || !tableExists(db, 'audit_head')) {
      throw new AuditError(`${file} has no audit log (a store from before schema version 7: start Gridline once)`);
    }
    // One read transaction: the head, the count and every page come from the same snapshot while the console writes.
    db.exec('BEGIN');
    try {
      return await walk(db, keyDir, options);
    } finally {
      db.exec('COMMIT');
    }
  } finally {
    db.close();
  }
}

async function walk(db: Database.Database, keyDir: string, options: AuditVerifyOptions): Promise<AuditVerifyResult> {
  const head = db
    .prepare('SELECT key_fingerprint, last_id, last_hash, signature FROM audit_head WHERE singleton = 1')
    .get() as HeadRow | undefined;
  const { total } = db.prepare('SELECT count(*) AS total FROM audit_log').get() as { total: number };
  const key = loadAuditPublicKey(keyDir);
  const finding = new Finding();
  const anchor = options.anchor && { lastId: options.anchor.lastId, lastHash: options.anchor.lastHash.toLowerCase() };
  if (
    anchor &&
    !(Number.isSafeInteger(anchor.lastId) && anchor.lastId >= 1 && /^[0-9a-f]{64}$/.test(anchor.lastHash))
  ) {
    throw new AuditError('an anchor is an entry id (1 or more) and its 64-digit hex entry hash');
  }

  if (!key) {
    if (!head && total === 0) {
      // Nothing was ever audited here (no key, no head, no entries) — unless an anchor says otherwise.
      const reason = anchor ? `the log and its key are gone, but the anchor notes entry ${anchor.lastId}` : null;
      return { entries: 0, ok: !anchor, firstBad: anchor ? 1 : null, reason, keyFingerprint: null, head: null };
    }
    throw new AuditError(
      `the audit public key is missing from ${keyDir}` +
        (head ? ` (the log is signed with the key whose fingerprint is ${head.key_fingerprint})` : ''),
    );
  }
  if (head && head.key_fingerprint !== key.fingerprint) {
    throw new AuditError(
      `the audit public key ${key.file} (fingerprint ${key.fingerprint}) is not the key this log is signed with ` +
        `(${head.key_fingerprint}); restore the original public key`,
    );
  }

  // The head is the signed count; without a valid one, nothing after the last entry present can be vouched for,
  // though every entry present can still be checked one by one.
  let trustedHead: HeadRow | null = null;
  let headProblem: string | null = null;
  if (!head) headProblem = 'the audit head (the signed count of entries) is missing: the log was wiped or rebuilt';
  else if (!isBytes(head.last_hash, 32) || !isBytes(head.signature, 64)) headProblem = 'the audit head is malformed';
  else if (
    !verifySignature(null, headMessage(key.fingerprint, head.last_id, head.last_hash), key.publicKey, head.signature)
  ) {
    headProblem = "the audit head's signature is not the install key's (edited)";
  } else trustedHead = head;

  const workers = options.workers ?? (total < SMALL_LOG ? 0 : availableParallelism());
  const signatures = new SignatureChecker(key.publicKey, workers);
  const pageSize = options.pageSize ?? 4096;
  const page = db
    .prepare(
      `SELECT id, at, actor, action, scope, result, reason, payload_hash, prev_hash, entry_hash, signature
       FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`,
    )
    .raw()
    .safeIntegers();

  let expected = 1;
  let prev: Buffer = genesisHash(key.fingerprint);
  let checked = 0;
  let after = 0n;
  try {
    walking: for (;;) {
      const rows = page.all(after, pageSize) as EntryRow[];
      if (rows.length === 0) break;
      for (const row of rows) {
        const [rawId, rawAt, actor, action, scope, result, reason, payloadHash, prevHash, storedHash, signature] = row;
        after = rawId;
        if (rawId > MAX_SAFE || rawAt > MAX_SAFE || rawAt < -MAX_SAFE) {
          finding.note(expected, `entry ${expected} holds a number out of range`);
          break walking;
        }
        const id = Number(rawId);
        if (id !== expected) {
          finding.note(
            expected,
            id === expected + 1
              ? `entry ${expected} is missing (deleted)`
              : `entries ${expected}–${id - 1} are missing (deleted)`,
          );
          break walking;
        }
        if (trustedHead && id > trustedHead.last_id) {
          finding.note(id, `entry ${id} lies beyond the signed head (${trustedHead.last_id}): it was added outside`);
          break walking;
        }
        if (
          typeof actor !== 'string' ||
          typeof action !== 'string' ||
          typeof scope !== 'string' ||
          !isResult(result) ||
          (reason !== null && typeof reason !== 'string') ||
          !isBytes(payloadHash, 32) ||
          !isBytes(prevHash, 32) ||
          !isBytes(storedHash, 32) ||
          !isBytes(signature, 64)
        ) {
          finding.note(id, `entry ${id} is malformed`);
          break walking;
        }
        if (!prevHash.equals(prev)) {
          finding.note(id, `entry ${id} does not link to entry ${id - 1} (moved, inserted or rewritten)`);
          break walking;
        }
        const computed = entryHash({
          id,
          at: Number(rawAt),
          actor,
          action,
          scope,
          result,
          reason,
          payloadHash,
          prevHash,
        });
        if (!computed.equals(storedHash)) {
          finding.note(id, `entry ${id} does not match its hash (edited)`);
          break walking;
        }
        if (anchor && id === anchor.lastId && storedHash.toString('hex') !== anchor.lastHash) {
          finding.note(id, `entry ${id} is not the entry noted in the anchor: the log was rewritten up to here`);
          break walking;
        }
        await signatures.add(id, storedHash, signature);
        if (signatures.firstBad !== null) break walking;
        prev = storedHash;
        expected = id + 1;
        checked += 1;
      }
      options.onProgress?.({ checked, total });
      if (rows.length < pageSize) break;
    }
    const badSignature = await signatures.finish();
    if (badSignature !== null) {
      finding.note(badSignature, `entry ${badSignature} is not signed by the install key (forged or re-signed)`);
    }
  } finally {
    await signatures.close();
  }

  const lastId = expected - 1;
  if (finding.id === null) {
    if (anchor && lastId < anchor.lastId) {
      finding.note(
        lastId + 1,
        `the log ends at entry ${lastId}, before entry ${anchor.lastId} noted in the anchor (rolled back or truncated)`,
      );
    } else if (!trustedHead) {
      const after = lastId === 0 ? 'no entry' : `nothing after entry ${lastId}`;
      finding.note(lastId + 1, `${headProblem ?? 'the audit head is untrusted'}: ${after} can be vouched for`);
    } else if (lastId < trustedHead.last_id) {
      finding.note(
        lastId + 1,
        `entries ${lastId + 1}–${trustedHead.last_id} are missing: the log ends at ${lastId}, ` +
          `the signed head at ${trustedHead.last_id} (truncated)`,
      );
    } else if (!prev.equals(trustedHead.last_hash)) {
      finding.note(lastId, `entry ${lastId} is not the entry the signed head names`);
    }
  }
  options.onProgress?.({ checked, total });
  const ok = finding.id === null;
  return {
    entries: total,
    ok,
    firstBad: finding.id,
    reason: finding.reason,
    keyFingerprint: key.fingerprint,
    head: trustedHead ? { lastId: trustedHead.last_id, lastHash: trustedHead.last_hash.toString('hex') } : null,
  };
}
