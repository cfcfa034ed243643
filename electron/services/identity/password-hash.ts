/**
 * Password hashing with scrypt (node:crypto), a memory-hard KDF: a stolen store costs an attacker memory as well as
 * time for every guess. Each hash carries its own random salt and its cost parameters in one self-describing string,
 *
 *   $scrypt$n=131072,r=8,p=1$<salt, base64>$<derived key, base64>
 *
 * so the defaults can be raised later: old hashes still verify with the parameters they were made with and are
 * re-hashed at the next successful sign-in (see `needsRehash`).
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. Memory used is about 128 × N × r bytes. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/**
 * OWASP's recommended minimum for scrypt (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1, i.e. 128 MiB and a
 * few hundred milliseconds per hash on a desk machine. Sign-ins are rare and run off the main thread (libuv pool).
 */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { N: 2 ** 17, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read back from the store: generous, but a damaged row cannot ask for gigabytes.
const N_RANGE = [2 ** 10, 2 ** 22] as const;
const R_RANGE = [1, 32] as const;
const P_RANGE = [1, 16] as const;

export class PasswordHashFormatError extends Error {}

const inRange = (value: number, [low, high]: readonly [number, number]): boolean =>
  Number.isInteger(value) && value >= low && value <= high;

export function checkScryptParams(params: ScryptParams): void {
  const powerOfTwo = (params.N & (params.N - 1)) === 0;
  if (!inRange(params.N, N_RANGE) || !powerOfTwo || !inRange(params.r, R_RANGE) || !inRange(params.p, P_RANGE)) {
    throw new PasswordHashFormatError(
      `scrypt parameters out of range: N=${params.N} (a power of two, 2^10..2^22), r=${params.r} (1..32), ` +
        `p=${params.p} (1..16)`,
    );
  }
}

function derive(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // Node refuses above 32 MiB by default; allow what these parameters need, with headroom.
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  // NFC: the same password typed through different input methods must give the same bytes.
  const bytes = Buffer.from(password.normalize('NFC'), 'utf8');
  return new Promise((resolve, reject) => {
    scryptCallback(bytes, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export interface DecodedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

const B64 = /^[A-Za-z0-9+/]+$/;

export function decodePasswordHash(encoded: string): DecodedHash {
  const match = /^\$scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(encoded);
  if (!match) throw new PasswordHashFormatError('not a $scrypt$ password hash');
  const [, n, r, p, salt, key] = match as unknown as [string, string, string, string, string, string];
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  checkScryptParams(params);
  if (!B64.test(salt) || !B64.test(key)) throw new PasswordHashFormatError('salt or key is not base64');
  const decoded = { params, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
  if (decoded.salt.length < 16 || decoded.key.length < 16) throw new PasswordHashFormatError('salt or key too short');
  return decoded;
}

export function encodePasswordHash({ params, salt, key }: DecodedHash): string {
  const b64 = (buffer: Buffer): string => buffer.toString('base64').replace(/=+$/, '');
  return `$scrypt$n=${params.N},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/** A new hash with a fresh random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  checkScryptParams(params);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return encodePasswordHash({ params: { ...params }, salt, key });
}

/** Whether `password` matches `encoded`, compared in constant time. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { params, salt, key } = decodePasswordHash(encoded);
  const candidate = await derive(password, salt, key.length, params);
  return timingSafeEqual(candidate, key);
}

/** True when a stored hash is cheaper than the current parameters ask for: re-hash it after a good sign-in. */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const stored = decodePasswordHash(encoded).params;
  return stored.N < params.N || stored.r < params.r || stored.p < params.p;
}
