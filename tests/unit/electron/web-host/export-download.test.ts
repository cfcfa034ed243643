/**
 * An inspector downloads an audit export from the web host: an administrator signed in on a client exports through
 * the contract (and the export goes on the trail), then the browser fetches /exports/<name> with the access cookie —
 * as an attachment, byte for byte what was reported. Without the cookie: 401. Any other name, a path that climbs out,
 * or an encoded one: 404.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../../../electron/host/console-core';
import type { CallContext } from '../../../../electron/host/dispatcher';
import { createMemoryLogger } from '../../../../electron/host/logger';
import { startWebHost, type WebHost } from '../../../../electron/web-host/web-host';
import type { AuditExportResult } from '../../../../shared/contract/audit-contract';

const resourcesDir = join(__dirname, '..', '..', '..', '..', 'resources');
const PASSWORD = 'amber-lantern-91-harbour';
const inspector: CallContext = { host: 'web', client: 'inspector' };

let dataDir: string;
let rendererDir: string;
let core: ConsoleCore;
let host: WebHost;
let cookie: string;
let exported: AuditExportResult;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET of the raw path (not normalised by a URL parser on this side). */
function get(path: string, withCookie = true): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: host.port, path, headers: withCookie && cookie ? { cookie } : {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gridline-export-'));
  rendererDir = mkdtempSync(join(tmpdir(), 'gridline-export-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Gridline</title>');
  core = createConsoleCore({
    dataDir,
    resourcesDir,
    host: 'web',
    version: '0.0.0-export',
    log: createMemoryLogger(),
    cityScale: 'small',
    scrypt: { N: 2 ** 12, r: 8, p: 1 },
  });
  host = await startWebHost({ core, rendererDir, host: '127.0.0.1', port: 0 });
  await core.identity.setupFirstAdministrator({ username: 'admin.zz', displayName: '管理员', password: PASSWORD });
  const signedIn = await core.dispatch('session.signIn', { username: 'admin.zz', password: PASSWORD }, inspector);
  expect(signedIn).toMatchObject({ ok: true });
  const result = await core.dispatch(
    'audit.export',
    { format: 'csv', filter: { action: 'session.signIn' } },
    inspector,
  );
  expect(result).toMatchObject({ ok: true });
  exported = (result as { output: AuditExportResult }).output;

  const first = await get(`/?token=${host.token}`, false);
  expect(first.status).toBe(303);
  cookie = String(first.headers['set-cookie']).split(';')[0]!;
}, 60_000);

afterAll(async () => {
  await host?.close();
  await core?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
});

describe('downloading an audit export from the web host', () => {
  it('serves the file as an attachment, byte for byte what the export reported', async () => {
    expect(exported.entries).toBe(1);
    const reply = await get(`/exports/${exported.name}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-disposition']).toBe(`attachment; filename="${exported.name}"`);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body.length).toBe(exported.bytes);
    expect(createHash('sha256').update(reply.body).digest('hex')).toBe(exported.sha256);
    expect(reply.body.equals(readFileSync(exported.path))).toBe(true);
    expect(reply.body.toString('utf8')).toContain(',admin.zz,session.signIn,');
  });

  it('puts the export itself on the audit trail, with who made it', () => {
    const { entries } = core.audit.query({ limit: 10, action: 'audit.export' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'admin.zz', result: 'ok', scope: 'city' });
  });

  it('needs the access token', async () => {
    expect((await get(`/exports/${exported.name}`, false)).status).toBe(401);
  });

  it('answers 404 for unknown names and for anything that climbs out of the exports folder', async () => {
    const unknown = exported.name.replace(/[0-9a-f]{16}/, '0000000000000000');
    for (const path of [
      `/exports/${unknown}`,
      '/exports/',
      '/exports/gridline.sqlite',
      '/exports/../gridline.sqlite',
      '/exports/../settings.json',
      '/exports/..%2Fgridline.sqlite',
      '/exports/%2e%2e/gridline.sqlite',
      `/exports/${exported.name}/`,
      `/exports/x/../../${exported.name}`,
      `/exports/${encodeURIComponent(`../exports/${exported.name}`)}`,
      '/exports/..%5Cgridline.sqlite',
    ]) {
      const reply = await get(path);
      expect(reply.status, path).toBe(404);
      expect(reply.headers['content-disposition'], path).toBeUndefined();
    }
  });
});
