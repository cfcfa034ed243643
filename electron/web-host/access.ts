/**
 * Who may use the web host. Three checks, all required:
 *  - the Host header names this server (defeats DNS rebinding: a hostile page cannot pose as 127.0.0.1);
 *  - the per-start token, from the printed URL once, then from an HttpOnly, SameSite=Strict cookie;
 *  - for the contract socket, the Origin (when a browser sends one) is this server or a configured wall display.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const newAccessToken = (): string => randomBytes(32).toString('base64url');

export interface AccessPolicy {
  token: string;
  port: number;
  /** host:port values the Host header may carry. */
  hosts: Set<string>;
  origins: Set<string>;
  /** Served over HTTPS: the cookie is marked Secure. */
  secure?: boolean;
}

export function createAccessPolicy(
  token: string,
  bindHost: string,
  port: number,
  extraOrigins: string[],
  scheme: 'http' | 'https' = 'http',
): AccessPolicy {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (!['0.0.0.0', '::'].includes(bindHost)) names.add(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
  const hosts = new Set([...names].map((name) => `${name}:${port}`));
  const origins = new Set([...[...hosts].map((host) => `${scheme}://${host}`), ...extraOrigins]);
  return { token, port, hosts, origins, secure: scheme === 'https' };
}

/** The cookie name carries the port: cookies are shared across ports of one host, tokens are not. */
export const cookieName = (port: number): string => `gridline_token_${port}`;

export function sessionCookie(policy: AccessPolicy): string {
  return `${cookieName(policy.port)}=${policy.token}; HttpOnly; SameSite=Strict; Path=/${policy.secure ? '; Secure' : ''}`;
}

function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function cookieToken(request: IncomingMessage, port: number): string | undefined {
  const header = request.headers.cookie ?? '';
  const prefix = `${cookieName(port)}=`;
  return header
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(prefix))
    ?.slice(prefix.length);
}

export type AccessDecision =
  { allowed: true; via: 'cookie' | 'query' } | { allowed: false; status: 401 | 403 | 421; reason: string };

export function checkAccess(
  request: IncomingMessage,
  url: URL,
  policy: AccessPolicy,
  isSocket: boolean,
): AccessDecision {
  if (!policy.hosts.has(request.headers.host ?? '')) {
    return { allowed: false, status: 421, reason: 'unexpected Host header' };
  }
  if (isSocket) {
    const origin = request.headers.origin;
    if (origin !== undefined && !policy.origins.has(origin)) {
      return { allowed: false, status: 403, reason: 'origin not allowed' };
    }
  }
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && tokensEqual(fromQuery, policy.token)) return { allowed: true, via: 'query' };
  const fromCookie = cookieToken(request, policy.port);
  if (fromCookie !== undefined && tokensEqual(fromCookie, policy.token)) return { allowed: true, via: 'cookie' };
  return { allowed: false, status: 401, reason: 'missing or wrong access token' };
}
