/** The contract over Electron IPC, through the functions the preload exposes as `window.gridline`. */
import {
  ContractError,
  type CallResult,
  type EventName,
  type InvokeName,
  type Transport,
} from '../../../shared/contract';

/** What electron/preload.ts exposes: one function per contract entry and per event. */
export interface PreloadBridge {
  invoke: Record<InvokeName, (input: unknown) => Promise<CallResult<unknown>>>;
  subscribe: Record<EventName, (listener: (payload: unknown) => void) => () => void>;
}

export function createIpcTransport(bridge: PreloadBridge): Transport {
  return {
    invoke: async (name, input) => {
      const result = await bridge.invoke[name](input);
      if (!result.ok) throw new ContractError(result.error);
      return result.output;
    },
    subscribe: (name, listener) => bridge.subscribe[name](listener),
    // IPC to the main process has no connection to lose: if the main process dies, the window dies with it.
    connection: () => 'connected',
    onConnectionChange: () => () => undefined,
  };
}
