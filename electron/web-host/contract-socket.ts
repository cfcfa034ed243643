/**
 * One WebSocket per renderer window: contract calls in, results and events out (wire format: shared/contract/wire.ts).
 * A frame that cannot be decoded, or a call that fails validation, gets a typed error; the connection stays open.
 */
import type { WebSocket } from 'ws';
import { clientMessageSchema, decodeFrame, encodeFrame, type ServerMessage } from '../../shared/contract/wire';
import type { Dispatch } from '../host/dispatcher';
import type { Logger } from '../host/logger';

export function serveContractSocket(socket: WebSocket, client: string, dispatch: Dispatch, log: Logger): void {
  const send = (message: ServerMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(encodeFrame(message));
  };
  const malformed = (reason: string, id?: number): void => {
    log.warn('web-host.malformed-message', { client, reason });
    const error = { code: 'malformed-message' as const, message: reason };
    send(id === undefined ? { type: 'error', error } : { type: 'result', id, ok: false, error });
  };

  socket.on('message', (data, isBinary) => {
    if (!isBinary) return malformed('expected a binary MessagePack frame');
    let decoded: unknown;
    try {
      decoded = decodeFrame(data instanceof Buffer ? data : Buffer.concat(data as Buffer[]));
    } catch {
      return malformed('frame is not valid MessagePack');
    }
    const parsed = clientMessageSchema.safeParse(decoded);
    if (!parsed.success) {
      const id = (decoded as { id?: unknown } | null)?.id;
      return malformed('frame is not a contract call', Number.isSafeInteger(id) ? (id as number) : undefined);
    }
    const { id, name, input } = parsed.data;
    void dispatch(name, input, { host: 'web', client }).then((result) => send({ type: 'result', id, ...result }));
  });
}
