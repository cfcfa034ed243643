/**
 * The install's audit signing key: Ed25519, generated with node:crypto on first use. The private key (PKCS #8 PEM)
 * is readable by its owner only (0600, in a 0700 folder); the public key (SPKI PEM) lies beside it, and the log's
 * head records its fingerprint, so `verify` needs no secret.
 *
 * What the key does and does not buy (README, "Audit trail"): it stops anyone who can write the store but cannot
 * read this file — another account, a copied or backed-up store, a tool with database access — from forging,
 * editing or truncating entries unnoticed. Whoever can read the private key can re-sign a whole rewritten log;
 * only a fingerprint and head hash kept outside the machine catch that.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class AuditError extends Error {}

/** The folder under the data directory that holds the key pair. */
export const AUDIT_KEY_DIR = 'audit';
export const PRIVATE_KEY_FILE = 'audit-signing-key.pem';
export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

export interface AuditPublicKey {
  publicKey: KeyObject;
  /** SHA-256 of the public key's DER (SPKI), hex. */
  fingerprint: string;
  file: string;
}

export interface AuditSigningKey extends AuditPublicKey {
  privateKey: KeyObject;
}

export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

const isErrno = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === code;

/**
 * Creates `file` with `text` unless it exists, atomically: written whole under a temporary name, then hard-linked
 * into place (which fails if another process got there first), so no one ever reads a half-written key.
 */
function createOnce(file: string, text: string | Buffer, mode: number): void {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, text, { mode, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
    // Another process created it first: theirs is used.
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readPublicKey(file: string): AuditPublicKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AuditError(`the audit public key ${file} cannot be read: ${(error as Error).message}`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new AuditError(`the audit public key ${file} is ${publicKey.asymmetricKeyType}, not Ed25519`);
  }
  return { publicKey, fingerprint: keyFingerprint(publicKey), file };
}

/** The public key in `keyDir`, or null where there is none (an install that has not audited anything yet). */
export function loadAuditPublicKey(keyDir: string): AuditPublicKey | null {
  const file = join(keyDir, PUBLIC_KEY_FILE);
  return existsSync(file) ? readPublicKey(file) : null;
}

function readPrivateKey(file: string): KeyObject {
  // Like ssh: a signing key others can read is no longer this install's alone; say so rather than sign with it.
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new AuditError(
        `the audit signing key ${file} is readable by other users (mode ${mode.toString(8)}); ` +
          `restrict it with: chmod 600 ${file}`,
      );
    }
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AuditError(`the audit signing key ${file} cannot be read: ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new AuditError(`the audit signing key ${file} is ${privateKey.asymmetricKeyType}, not Ed25519`);
  }
  return privateKey;
}

/**
 * The signing key in `keyDir`, created there on first use. Creation is atomic and exclusive, so two processes starting
 * together end up with the same key. A public key that does not match the private one is refused, never replaced.
 */
export function loadOrCreateSigningKey(keyDir: string): AuditSigningKey {
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const privateFile = join(keyDir, PRIVATE_KEY_FILE);
  const publicFile = join(keyDir, PUBLIC_KEY_FILE);
  if (!existsSync(privateFile)) {
    const pair = generateKeyPairSync('ed25519');
    createOnce(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600);
  }
  const privateKey = readPrivateKey(privateFile);
  const derived = createPublicKey(privateKey);
  const fingerprint = keyFingerprint(derived);
  if (!existsSync(publicFile)) createOnce(publicFile, derived.export({ type: 'spki', format: 'pem' }), 0o644);
  const stored = readPublicKey(publicFile);
  if (stored.fingerprint !== fingerprint) {
    throw new AuditError(
      `the audit public key ${publicFile} (fingerprint ${stored.fingerprint}) does not belong to the signing key ` +
        `${privateFile} (fingerprint ${fingerprint}); restore the original pair`,
    );
  }
  return { privateKey, publicKey: derived, fingerprint, file: publicFile };
}
