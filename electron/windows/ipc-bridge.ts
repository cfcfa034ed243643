/**
 * Binds the contract to Electron IPC: one `ipcMain.handle` per invoke entry, events sent to every window. Replies are
 * `CallResult` envelopes, never thrown errors (Electron flattens those to strings). Calls from any frame that is not
 * the app's own page are refused. Takes IPC-shaped interfaces so it is unit-tested without Electron.
 */
import { eventChannel, INVOKE_NAMES, invokeChannel, type CallResult, type EventName } from '../../shared/contract';
import type { ConsoleCore } from '../host/console-core';

export interface IpcInvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Sends one event to every open console window that `accepts` it (by its webContents id). */
export type BroadcastToWindows = (channel: string, payload: unknown, accepts: (windowId: number) => boolean) => void;

/** The client id a window's calls and session go by. */
export const windowClient = (webContentsId: number): string => `window-${webContentsId}`;

export function bridgeIpc(
  ipcMain: IpcMainLike,
  core: ConsoleCore,
  isTrustedUrl: (url: string) => boolean,
  broadcast: BroadcastToWindows,
): () => void {
  for (const name of INVOKE_NAMES) {
    ipcMain.handle(invokeChannel(name), async (event, input): Promise<CallResult<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) {
        core.log.warn('ipc.untrusted-sender', { name, url: url.slice(0, 200) });
        return { ok: false, error: { code: 'unauthorized', message: 'calls are accepted from the console page only' } };
      }
      return core.dispatch(name, input, { host: 'electron', client: windowClient(event.sender.id) });
    });
  }
  const disconnect = core.events.connect((name: EventName, payload) =>
    broadcast(eventChannel(name), payload, (id) => core.sessions.receivesEvent(windowClient(id), name)),
  );
  return () => {
    disconnect();
    for (const name of INVOKE_NAMES) ipcMain.removeHandler(invokeChannel(name));
  };
}
