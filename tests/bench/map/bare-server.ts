/** Serves the bare page, its script and its data on 127.0.0.1 (a free port), for the bench's own browser only. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface BareServer {
  origin: string;
  close(): Promise<void>;
}

export async function startBareServer(dir: string, data: Uint8Array): Promise<BareServer> {
  const files: Record<string, { type: string; body: Uint8Array | string }> = {
    '/': { type: 'text/html; charset=utf-8', body: readFileSync(join(dir, 'index.html'), 'utf8') },
    '/bare.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(dir, 'bare.js'), 'utf8') },
    '/data.bin': { type: 'application/octet-stream', body: data },
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://localhost').pathname];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
    response.end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
