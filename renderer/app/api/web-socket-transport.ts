/**
 * The contract over the web host's WebSocket. Calls made while the socket is down wait for it (up to a limit) rather
 * than fail at once; a dropped socket reconnects with backoff, and calls in flight when it dropped reject with
 * `unavailable` (the caller decides whether to retry: a call may have reached the host).
 */
import {
  ContractError,
  type ConnectionState,
  type EventName,
  type InvokeName,
  type Transport,
} from '../../../shared/contract';
import { CONTRACT_SOCKET_PATH, decodeFrame, encodeFrame, serverMessageSchema } from '../../../shared/contract/wire';

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;
const CALL_TIMEOUT_MS = 30_000;

interface Pending {
  /** Sent on a socket (and so lost if that socket drops), or still queued for the next one. */
  sent: boolean;
  frame: Uint8Array<ArrayBuffer>;
  resolve(output: unknown): void;
  reject(error: ContractError): void;
  timer: ReturnType<typeof setTimeout>;
}

export function createWebSocketTransport(url: string): Transport {
  let socket: WebSocket | undefined;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let backoff = RECONNECT_MIN_MS;
  const pending = new Map<number, Pending>();
  const eventListeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  /** The session to re-bind on a new socket (see Transport.resumeWith). */
  let resumeToken: string | null = null;

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(state);
  };

  const fail = (id: number, error: ContractError): void => {
    const call = pending.get(id);
    if (!call) return;
    clearTimeout(call.timer);
    pending.delete(id);
    call.reject(error);
  };

  const onFrame = (data: ArrayBuffer): void => {
    const parsed = serverMessageSchema.safeParse(decodeFrame(new Uint8Array(data)));
    if (!parsed.success) {
      console.error('gridline: unreadable frame from the host', parsed.error.issues);
      return;
    }
    const message = parsed.data;
    if (message.type === 'event') {
      for (const listener of eventListeners.get(message.name as EventName) ?? []) listener(message.payload);
    } else if (message.type === 'error') {
      console.error('gridline: the host refused a frame', message.error);
    } else if (message.ok) {
      const call = pending.get(message.id);
      if (call) {
        clearTimeout(call.timer);
        pending.delete(message.id);
        call.resolve(message.output);
      }
    } else {
      fail(message.id, new ContractError(message.error));
    }
  };

  const connect = (): void => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      backoff = RECONNECT_MIN_MS;
      // Before anything queued: the host admits calls in arrival order, so they run as the resumed session. Its
      // answer needs no handler (id 0 is never pending); a refused resume shows as the next call's unauthenticated.
      if (resumeToken)
        ws.send(encodeFrame({ type: 'invoke', id: 0, name: 'session.resume', input: { token: resumeToken } }));
      setState('connected');
      for (const call of pending.values()) {
        if (!call.sent) {
          ws.send(call.frame);
          call.sent = true;
        }
      }
    };
    ws.onmessage = (event: MessageEvent<ArrayBuffer>) => onFrame(event.data);
    ws.onclose = () => {
      socket = undefined;
      for (const [id, call] of [...pending]) {
        if (call.sent)
          fail(id, new ContractError({ code: 'unavailable', message: 'connection to the console host was lost' }));
      }
      setState('reconnecting');
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
    };
  };
  connect();

  return {
    invoke: (name: InvokeName, input: unknown) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(
          () => fail(id, new ContractError({ code: 'unavailable', message: `${name} got no answer in time` })),
          CALL_TIMEOUT_MS,
        );
        const frame = encodeFrame({ type: 'invoke', id, name, input });
        const sent = socket?.readyState === WebSocket.OPEN;
        if (sent) socket?.send(frame);
        pending.set(id, { sent, frame, resolve, reject, timer });
      }),
    subscribe: (name, listener) => {
      const set = eventListeners.get(name) ?? new Set();
      eventListeners.set(name, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    connection: () => state,
    resumeWith: (token) => {
      resumeToken = token;
    },
    onConnectionChange: (listener) => {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}

/** The contract socket of the page's own web host (the access cookie travels with the upgrade). */
export function contractSocketUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${CONTRACT_SOCKET_PATH}`;
}
