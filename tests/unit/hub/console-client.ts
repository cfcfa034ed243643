/** A console's raw connection to a hub's `/console` namespace for hub tests, collecting every receipts message. */
import { io as connect, type Socket } from 'socket.io-client';
import {
  CONSOLE_NAMESPACE,
  type ConsoleCalls,
  type ConsoleListens,
  type ReceiptsMessage,
} from '../../../shared/protocol/hub-protocol';

export type ConsoleSocket = Socket<ConsoleListens, ConsoleCalls>;

export async function connectConsole(
  url: string,
  secret: string,
): Promise<{ socket: ConsoleSocket; receipts: ReceiptsMessage[] }> {
  const socket: ConsoleSocket = connect(`${url}${CONSOLE_NAMESPACE}`, {
    transports: ['websocket'],
    auth: { token: secret },
    reconnection: false,
  });
  const receipts: ReceiptsMessage[] = [];
  socket.on('receipts', (message) => receipts.push(message));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
  } catch (error) {
    socket.disconnect();
    throw error;
  }
  return { socket, receipts };
}
