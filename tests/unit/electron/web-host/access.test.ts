import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkAccess, cookieName, createAccessPolicy, newAccessToken } from '../../../../electron/web-host/access';

const token = 'a'.repeat(43);
const policy = createAccessPolicy(token, '127.0.0.1', 5170, ['http://wall-3:9000']);

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as IncomingMessage;
}

const url = (path: string) => new URL(path, 'http://host.invalid');

describe('web host access', () => {
  it('mints long random tokens', () => {
    const tokens = new Set(Array.from({ length: 50 }, newAccessToken));
    expect(tokens.size).toBe(50);
    for (const value of tokens) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts the token from the URL or from its cookie', () => {
    expect(checkAccess(request({ host: '127.0.0.1:5170' }), url(`/?token=${token}`), policy, false)).toEqual({
      allowed: true,
      via: 'query',
    });
    const cookie = `other=1; ${cookieName(5170)}=${token}`;
    expect(checkAccess(request({ host: 'localhost:5170', cookie }), url('/'), policy, false)).toEqual({
      allowed: true,
      via: 'cookie',
    });
  });

  it('refuses a missing, wrong or other-port token', () => {
    const cases: [Record<string, string>, string][] = [
      [{ host: '127.0.0.1:5170' }, '/'],
      [{ host: '127.0.0.1:5170' }, '/?token=' + 'b'.repeat(43)],
      [{ host: '127.0.0.1:5170' }, '/?token=' + token.slice(1)],
      [{ host: '127.0.0.1:5170', cookie: `${cookieName(5171)}=${token}` }, '/'],
    ];
    for (const [headers, path] of cases) {
      expect(checkAccess(request(headers), url(path), policy, false)).toMatchObject({ allowed: false, status: 401 });
    }
  });

  it('refuses a foreign Host header even with the token', () => {
    for (const host of ['evil.example', 'evil.example:5170', '127.0.0.1:80', '']) {
      expect(checkAccess(request({ host }), url(`/?token=${token}`), policy, false)).toMatchObject({ status: 421 });
    }
  });

  it('checks the Origin of contract sockets against this server and configured walls', () => {
    const ok = (origin: string) =>
      checkAccess(request({ host: '127.0.0.1:5170', origin }), url(`/?token=${token}`), policy, true);
    expect(ok('http://127.0.0.1:5170')).toMatchObject({ allowed: true });
    expect(ok('http://localhost:5170')).toMatchObject({ allowed: true });
    expect(ok('http://wall-3:9000')).toMatchObject({ allowed: true });
    expect(ok('http://evil.example')).toMatchObject({ allowed: false, status: 403 });
    expect(ok('http://127.0.0.1:5171')).toMatchObject({ allowed: false, status: 403 });
    expect(ok('null')).toMatchObject({ allowed: false, status: 403 });
  });
});
