/**
 * The web host over TLS: HTTPS with the configured certificate, the access cookie marked Secure, the contract socket
 * over WSS, and nothing answered in plain HTTP on the same port.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../../../electron/host/console-core';
import { createMemoryLogger } from '../../../../electron/host/logger';
import { startWebHost, type WebHost } from '../../../../electron/web-host/web-host';

const fixtures = join(__dirname, 'fixtures');
const cert = readFileSync(join(fixtures, 'test-only-cert.pem'), 'utf8');
const key = readFileSync(join(fixtures, 'test-only-key.pem'), 'utf8');
const resourcesDir = join(__dirname, '..', '..', '..', '..', 'resources');

let core: ConsoleCore;
let host: WebHost;

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'gridline-tls-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Gridline</title>');
  core = createConsoleCore({
    dataDir: mkdtempSync(join(tmpdir(), 'gridline-tls-')),
    resourcesDir,
    host: 'web',
    version: '0.0.0-tls',
    log: createMemoryLogger(),
    cityScale: 'small',
  });
  host = await startWebHost({ core, rendererDir, host: '127.0.0.1', port: 0, tls: { cert, key } });
});

afterAll(async () => {
  await host?.close();
  await core?.close();
});

function fetchHttps(url: string, cookie?: string): Promise<{ status: number; cookie: string[] }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca: cert, headers: cookie ? { cookie } : {} }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, cookie: response.headers['set-cookie'] ?? [] });
    }).on('error', reject);
  });
}

describe('the web host over TLS', () => {
  it('serves HTTPS with the certificate, and marks the access cookie Secure', async () => {
    expect(host.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    // The token in the URL is traded for the cookie (and the URL cleaned by a redirect).
    const first = await fetchHttps(host.url);
    expect(first.status).toBe(303);
    const cookie = first.cookie.join(';');
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict; Path=\/; Secure/);
    expect((await fetchHttps(`${host.origin}/`, cookie.split(';')[0])).status).toBe(200);
    expect((await fetchHttps(`${host.origin}/`)).status).toBe(401);
  });

  it('opens the contract socket over WSS from its own https origin', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${host.port}/contract?token=${host.token}`, {
      ca: cert,
      origin: host.origin,
    });
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('error', () => resolve(false));
      ws.once('unexpected-response', () => resolve(false));
    });
    ws.close();
    expect(opened).toBe(true);
  });

  it('answers nothing in plain HTTP on the same port', async () => {
    const plain = await new Promise<string>((resolve) => {
      httpGet(`http://127.0.0.1:${host.port}/?token=${host.token}`, (response) => {
        response.resume();
        resolve(`status ${response.statusCode}`);
      }).on('error', (error) => resolve(`error ${error.message}`));
    });
    expect(plain).not.toBe('status 200');
  });
});
