/**
 * Worker tokens: the claims (id, L1, grid path, expiry) and an HMAC-SHA256 over them with the secret the city's
 * provisioning shares with its hubs. Any hub admits a worker from the token alone, without a database; a forged,
 * altered or expired token is refused. (A deployment with an identity provider would put these claims in its JWTs.)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { workerClaimsSchema, type WorkerClaims } from '../../shared/protocol/hub-protocol';

const encode = (text: string): string => Buffer.from(text).toString('base64url');
const mac = (secret: string, payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();

export function signWorkerToken(claims: WorkerClaims, secret: string): string {
  const payload = encode(JSON.stringify(claims));
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export type TokenCheck = { ok: true; claims: WorkerClaims } | { ok: false; reason: string };

export function verifyWorkerToken(token: string, secret: string, nowSeconds: number): TokenCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed token' };
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad signature' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed claims' };
  }
  const claims = workerClaimsSchema.safeParse(parsed);
  if (!claims.success) return { ok: false, reason: 'malformed claims' };
  if (claims.data.exp <= nowSeconds) return { ok: false, reason: 'token expired' };
  return { ok: true, claims: claims.data };
}
