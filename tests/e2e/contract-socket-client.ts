/** A raw contract socket from Node, for tests that send what no well-behaved renderer would. */
import WebSocket, { type RawData } from 'ws';
import { cookieName } from '../../electron/web-host/access';
import type { WebHost } from '../../electron/web-host/web-host';
import { CONTRACT_SOCKET_PATH, decodeFrame } from '../../shared/contract/wire';

export interface RawContractSocket {
  socket: WebSocket;
  /** The next frame from the host, decoded. */
  next: () => Promise<unknown>;
  closed: Promise<number>;
}

export interface SocketOptions {
  withToken?: boolean;
  origin?: string;
}

export function socketUrl(host: WebHost): string {
  return `${host.origin.replace('http', 'ws')}${CONTRACT_SOCKET_PATH}`;
}

/** Opens a socket the way a browser tab of the console would (cookie + Origin), unless told otherwise. */
export function openRawSocket(
  host: WebHost,
  { withToken = true, origin = host.origin }: SocketOptions = {},
): WebSocket {
  const headers: Record<string, string> = { origin };
  if (withToken) headers.cookie = `${cookieName(host.port)}=${host.token}`;
  return new WebSocket(socketUrl(host), { headers });
}

/** The HTTP status the host answered an upgrade with, when it refused it. */
export function refusedStatus(socket: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => reject(new Error('the socket was accepted')));
    socket.on('error', () => undefined);
  });
}

export async function connectRaw(host: WebHost): Promise<RawContractSocket> {
  const socket = openRawSocket(host);
  const frames: unknown[] = [];
  const waiting: ((frame: unknown) => void)[] = [];
  socket.on('message', (data: RawData) => {
    const frame = decodeFrame(data as Buffer);
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    closed,
    next: () => (frames.length ? Promise.resolve(frames.shift()) : new Promise((resolve) => waiting.push(resolve))),
  };
}
