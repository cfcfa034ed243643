/**
 * The renderer's view of the contract: one typed `api` object, the same whichever host serves it.
 * `api.city.getOutline({})` calls the entry `city.getOutline`; `api.events.on('settings.changed', fn)` listens.
 */
import type { EventPayload, InvokeInput, InvokeOutput } from './contract';
import { INVOKE_NAMES, type EventName, type InvokeName } from './names';

type Namespace = InvokeName extends `${infer NS}.${string}` ? NS : never;

export type GridlineApi = {
  [NS in Namespace]: {
    [N in InvokeName as N extends `${NS}.${infer Method}` ? Method : never]: (
      input: InvokeInput<N>,
    ) => Promise<InvokeOutput<N>>;
  };
} & {
  events: {
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  };
};

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

/**
 * What a host binding provides: a way to call an entry and to listen to an event. Calls reject with a
 * `ContractError`; the transport reports its connection so the status bar can show it.
 */
export interface Transport {
  invoke: (name: InvokeName, input: unknown) => Promise<unknown>;
  subscribe: (name: EventName, listener: (payload: unknown) => void) => () => void;
  connection: () => ConnectionState;
  onConnectionChange: (listener: (state: ConnectionState) => void) => () => void;
  /**
   * The web host binds a session to one socket: given the session's resume token, the transport re-binds it first
   * thing on every new socket (before any queued call), so a dropped connection does not sign the window out.
   * Electron binds the session to the window itself and ignores this.
   */
  resumeWith?: (token: string | null) => void;
}

/** Builds the namespaced, typed `api` over any transport. */
export function createApi(transport: Transport): GridlineApi {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const name of INVOKE_NAMES) {
    const [ns, method] = name.split('.') as [string, string];
    (api[ns] ??= {})[method] = (input: unknown) => transport.invoke(name, input);
  }
  const events: GridlineApi['events'] = {
    on: (name, listener) => transport.subscribe(name, listener as (payload: unknown) => void),
  };
  return { ...api, events } as unknown as GridlineApi;
}
