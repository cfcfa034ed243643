/**
 * The only bridge between a console page and the main process: one function per contract entry and one subscription
 * per event, exposed as `window.gridline`. `ipcRenderer` itself never crosses, and the Electron event (which carries
 * `sender`) is stripped before a listener sees a payload. Bundled to CommonJS: sandboxed preloads cannot import.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, eventChannel, INVOKE_NAMES, invokeChannel } from '../shared/contract/names';

const invoke = Object.fromEntries(
  INVOKE_NAMES.map((name) => [
    name,
    (input: unknown): Promise<unknown> => ipcRenderer.invoke(invokeChannel(name), input),
  ]),
);

const subscribe = Object.fromEntries(
  EVENT_NAMES.map((name) => [
    name,
    (listener: (payload: unknown) => void): (() => void) => {
      const relay = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      ipcRenderer.on(eventChannel(name), relay);
      return () => {
        ipcRenderer.removeListener(eventChannel(name), relay);
      };
    },
  ]),
);

contextBridge.exposeInMainWorld('gridline', { invoke, subscribe });
