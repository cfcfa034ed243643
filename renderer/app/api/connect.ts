/**
 * Picks the transport for the host the page runs under. The rest of the renderer only ever sees the typed `api`.
 */
import { createApi, type GridlineApi, type Transport } from '../../../shared/contract';
import { createIpcTransport, type PreloadBridge } from './ipc-transport';
import { contractSocketUrl, createWebSocketTransport } from './web-socket-transport';

declare global {
  interface Window {
    /** Present only in Electron windows (electron/preload.ts). */
    gridline?: PreloadBridge;
  }
}

export interface Connection {
  api: GridlineApi;
  transport: Transport;
}

export function connectToHost(): Connection {
  const transport = window.gridline
    ? createIpcTransport(window.gridline)
    : createWebSocketTransport(contractSocketUrl(window.location));
  return { api: createApi(transport), transport };
}
