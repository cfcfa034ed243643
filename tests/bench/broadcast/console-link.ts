/**
 * The benchmark's console: a socket.io-client link to a hub's `/console` namespace that sends commands, reads every
 * hub's stats, and adds up the latest receipt part of each hub per command — as a console desk does.
 */
import { io, type Socket } from 'socket.io-client';
import {
  CONSOLE_NAMESPACE,
  type ConsoleCalls,
  type ConsoleListens,
  type HubError,
  type HubStats,
  type ReceiptsMessage,
  type SendAck,
  type SendCommand,
} from '../../../shared/protocol/hub-protocol';

export interface ReceiptTotals {
  sent: number;
  delivered: number;
  read: number;
  hubs: number;
}

interface Waiter {
  id: string;
  check: (totals: ReceiptTotals) => boolean;
  resolve: (at: number) => void;
}

const isError = (answer: unknown): answer is HubError =>
  typeof answer === 'object' && answer !== null && 'error' in answer;

export class ConsoleLink {
  /** Per command, per hub: the latest partial counts. */
  private readonly latest = new Map<string, Map<string, ReceiptTotals>>();
  private readonly waiters = new Set<Waiter>();

  private constructor(private readonly socket: Socket<ConsoleListens, ConsoleCalls>) {
    socket.on('receipts', (message) => this.onReceipts(message));
  }

  static async connect(url: string, token: string): Promise<ConsoleLink> {
    const socket: Socket<ConsoleListens, ConsoleCalls> = io(`${url}${CONSOLE_NAMESPACE}`, {
      transports: ['websocket'],
      auth: { token },
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return new ConsoleLink(socket);
  }

  totals(id: string): ReceiptTotals {
    const parts = [...(this.latest.get(id)?.values() ?? [])];
    return parts.reduce(
      (sum, part) => ({
        sent: sum.sent + part.sent,
        delivered: sum.delivered + part.delivered,
        read: sum.read + part.read,
        hubs: sum.hubs + 1,
      }),
      { sent: 0, delivered: 0, read: 0, hubs: 0 },
    );
  }

  /** Resolves with the time (epoch ms) the receipts message that satisfied `check` arrived; rejects after `ms`. */
  waitFor(id: string, check: (totals: ReceiptTotals) => boolean, ms: number): Promise<number> {
    if (check(this.totals(id))) return Promise.resolve(Date.now());
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        id,
        check,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${id}: not there within ${ms} ms (${JSON.stringify(this.totals(id))})`));
      }, ms);
      this.waiters.add(waiter);
    });
  }

  async send(command: SendCommand): Promise<SendAck> {
    // `timeout()` loses the answer's type in socket.io-client's typings; it is the ConsoleCalls answer.
    const answer = (await this.socket.timeout(30_000).emitWithAck('command:send', command)) as SendAck | HubError;
    if (isError(answer)) throw new Error(`command:send: ${answer.error}`);
    return answer;
  }

  /** Every hub's stats (retried: under load the hubs' answers through Redis may time out). */
  async stats(): Promise<HubStats[]> {
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const answer = (await this.socket.timeout(10_000).emitWithAck('hub:stats')) as HubStats[] | HubError;
        if (!isError(answer)) return answer;
        last = answer.error;
      } catch (error) {
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`hub:stats failed: ${String(last)}`);
  }

  close(): void {
    this.socket.disconnect();
  }

  private onReceipts(message: ReceiptsMessage): void {
    const at = Date.now();
    for (const part of message.commands) {
      let perHub = this.latest.get(part.id);
      if (!perHub) this.latest.set(part.id, (perHub = new Map<string, ReceiptTotals>()));
      perHub.set(message.hub, { sent: part.sent, delivered: part.delivered, read: part.read, hubs: 1 });
    }
    for (const waiter of this.waiters) {
      if (waiter.check(this.totals(waiter.id))) {
        this.waiters.delete(waiter);
        waiter.resolve(at);
      }
    }
  }
}
