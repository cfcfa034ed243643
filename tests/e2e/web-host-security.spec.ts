import { request as httpRequest } from 'node:http';
import { encode } from '@msgpack/msgpack';
import { encodeFrame, MAX_CLIENT_FRAME_BYTES } from '../../shared/contract/wire';
import { connectRaw, openRawSocket, refusedStatus } from './contract-socket-client';
import { expect, test } from './fixtures';

test('a request without the token is refused, for the page, its assets and the contract socket', async ({
  console: gridline,
  request,
}) => {
  const { origin } = gridline.host;
  for (const path of ['/', '/index.html', '/favicon.svg', '/?token=wrong-token']) {
    const response = await request.get(`${origin}${path}`, { maxRedirects: 0 });
    expect(response.status(), path).toBe(401);
    expect(await response.text()).toContain('token');
  }
  expect(await refusedStatus(openRawSocket(gridline.host, { withToken: false }))).toBe(401);
  expect(gridline.log.entries.filter((entry) => entry.event.endsWith('refused')).length).toBeGreaterThanOrEqual(5);

  // With the token, the page is served (after trading the token for a cookie).
  const withToken = await request.get(gridline.host.url);
  expect(withToken.status()).toBe(200);
  expect(await withToken.text()).toContain('<div id="root">');
});

test('a contract socket from a foreign origin is refused even with the token', async ({ console: gridline }) => {
  const status = await refusedStatus(openRawSocket(gridline.host, { origin: 'http://evil.example' }));
  expect(status).toBe(403);
});

test('a request naming another Host (DNS rebinding) is refused', async ({ console: gridline }) => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: gridline.host.port,
        path: `/?token=${gridline.host.token}`,
        headers: { host: 'attacker.example' },
      },
      (response) => resolve(response.statusCode ?? 0),
    );
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(421);
});

test('malformed contract messages get typed errors; the host and the page keep working', async ({
  console: gridline,
  openConsole,
}) => {
  const page = await openConsole();
  const raw = await connectRaw(gridline.host);

  raw.socket.send('this is not a frame');
  expect(await raw.next()).toMatchObject({ type: 'error', error: { code: 'malformed-message' } });

  raw.socket.send(Buffer.from([0xc1, 0xff, 0x00]));
  expect(await raw.next()).toMatchObject({ type: 'error', error: { code: 'malformed-message' } });

  raw.socket.send(encode({ type: 'invoke', id: 3, name: 42 }));
  expect(await raw.next()).toMatchObject({ type: 'result', id: 3, ok: false, error: { code: 'malformed-message' } });

  raw.socket.send(encodeFrame({ type: 'invoke', id: 4, name: 'settings.update', input: { language: 'fr' } }));
  expect(await raw.next()).toMatchObject({
    type: 'result',
    id: 4,
    ok: false,
    error: { code: 'invalid-input', issues: [{ path: 'language' }] },
  });

  raw.socket.send(encodeFrame({ type: 'invoke', id: 5, name: 'system.shutdown', input: {} }));
  expect(await raw.next()).toMatchObject({ type: 'result', id: 5, ok: false, error: { code: 'unknown-entry' } });

  raw.socket.send(encodeFrame({ type: 'invoke', id: 6, name: 'settings.get', input: {} }));
  expect(await raw.next()).toMatchObject({ type: 'result', id: 6, ok: true, output: { language: 'zh-CN' } });

  expect(gridline.log.entries.map((entry) => entry.event)).toEqual(
    expect.arrayContaining(['web-host.malformed-message', 'contract.invalid-input', 'contract.unknown-entry']),
  );

  // An oversized frame costs the sender its socket, nothing more.
  raw.socket.send(Buffer.alloc(MAX_CLIENT_FRAME_BYTES + 1));
  expect(await raw.closed).toBe(1009);

  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('language-switch').click();
  await expect(page.getByTestId('view-role')).toHaveText('City overview');
});

test('the page shows a lost connection and recovers when the host is back', async ({
  console: gridline,
  openConsole,
}) => {
  const page = await openConsole();
  const connection = page.getByTestId('connection');
  await expect(connection).toHaveAttribute('data-state', 'connected');

  await gridline.stopHost();
  await expect(connection).toHaveAttribute('data-state', 'reconnecting');
  await expect(connection).toContainText('正在重连');

  await gridline.startHost();
  await expect(connection).toHaveAttribute('data-state', 'connected');
  await page.getByTestId('language-switch').click();
  await expect(page.getByTestId('view-role')).toHaveText('City overview');
});
