/**
 * The web host: serves the built renderer and the contract (over a WebSocket at /contract) to browser tabs, for
 * wall displays, remote viewing and the end-to-end tests. Bound to 127.0.0.1 unless configured otherwise; every
 * request needs the per-start token (see access.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONTRACT_SOCKET_PATH, encodeFrame, MAX_CLIENT_FRAME_BYTES } from '../../shared/contract/wire';
import { isLoopback } from '../host/config';
import type { ConsoleCore } from '../host/console-core';
import { CONTENT_SECURITY_POLICY } from '../host/content-security-policy';
import { checkAccess, createAccessPolicy, newAccessToken, sessionCookie } from './access';
import { serveContractSocket } from './contract-socket';
import { EXPORTS_PATH, serveExport } from './export-files';
import { serveStatic } from './static-files';

export interface WebHostOptions {
  core: ConsoleCore;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  host: string;
  port: number;
  allowedOrigins?: string[];
  /** Fixed token, for tests; a random one per start otherwise. */
  token?: string;
  /** PEM certificate and key: HTTPS and WSS (required by the configuration beyond loopback). */
  tls?: { cert: string; key: string };
}

export interface WebHost {
  /** The URL to open, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'content-security-policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** How often idle sockets are pinged; a socket that misses one ping is closed. */
const HEARTBEAT_MS = 15_000;

function refuse(response: ServerResponse, status: number, reason: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(
    status === 401
      ? 'Gridline: open the console with the URL (and its token) printed when it started.\n'
      : `Gridline: request refused (${reason}).\n`,
  );
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${reason}\n`);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core } = options;
  const token = options.token ?? newAccessToken();
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createServer();
  const scheme = options.tls ? 'https' : 'http';
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });
  let nextClient = 1;

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  const policy = createAccessPolicy(token, options.host, port, options.allowedOrigins ?? [], scheme);
  if (!isLoopback(options.host)) core.log.warn('web-host.not-loopback', { host: options.host, port });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'method not allowed');
    const access = checkAccess(request, url, policy, false);
    if (!access.allowed) {
      core.log.warn('web-host.refused', { path: url.pathname, status: access.status, reason: access.reason });
      return refuse(response, access.status, access.reason);
    }
    if (access.via === 'query') {
      // Trade the token in the URL for a cookie, and drop it from the address bar and history.
      url.searchParams.delete('token');
      response.writeHead(303, { 'set-cookie': sessionCookie(policy), location: `${url.pathname}${url.search}` });
      return response.end();
    }
    if (url.pathname.startsWith(EXPORTS_PATH)) {
      const name = serveExport(core.exportsDir, url.pathname, response);
      core.log.info('web-host.export', { path: url.pathname.slice(0, 200), served: name !== null });
      return;
    }
    serveStatic(options.rendererDir, url.pathname, response);
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    const access = url.pathname === CONTRACT_SOCKET_PATH ? checkAccess(request, url, policy, true) : undefined;
    if (!access?.allowed) {
      const status = access ? access.status : 404;
      const reason = access ? access.reason : 'no such endpoint';
      core.log.warn('web-host.socket-refused', { status, reason, origin: request.headers.origin });
      return refuseUpgrade(socket, status, reason);
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  const alive = new WeakSet<WebSocket>();
  const clients = new Map<WebSocket, string>();
  sockets.on('connection', (ws: WebSocket) => {
    const client = `web-${nextClient++}`;
    clients.set(ws, client);
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('error', (error) => core.log.warn('web-host.socket-error', { client, error: String(error) }));
    // The session outlives the socket (the tab resumes it after a drop); only the binding goes.
    ws.on('close', () => {
      clients.delete(ws);
      core.sessions.release(client, false);
    });
    serveContractSocket(ws, client, core.dispatch, core.log);
  });
  const heartbeat = setInterval(() => {
    for (const ws of sockets.clients) {
      if (!alive.has(ws)) ws.terminate();
      else {
        alive.delete(ws);
        ws.ping();
      }
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const disconnectEvents = core.events.connect((name, payload) => {
    let frame: Uint8Array | undefined;
    for (const [ws, client] of clients) {
      if (ws.readyState !== ws.OPEN || !core.sessions.receivesEvent(client, name)) continue;
      frame ??= encodeFrame({ type: 'event', name, payload });
      ws.send(frame);
    }
  });

  const urlHost = isLoopback(options.host) || ['0.0.0.0', '::'].includes(options.host) ? '127.0.0.1' : options.host;
  const origin = `${scheme}://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`;
  core.log.info('web-host.listening', { host: options.host, port });
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      clearInterval(heartbeat);
      disconnectEvents();
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}
