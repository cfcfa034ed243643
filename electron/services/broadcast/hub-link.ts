/**
 * The console's link to the command hub: one socket.io-client connection from the main process to the hub's
 * `/console` namespace. It sends commands, asks for pending workers and resends, and folds every hub's partial
 * receipts into one running total per command (the latest part of each hub, summed), and passes on the hubs'
 * escalations once checked and the events of the hubs' ticket stream (issue #7), which it also catches up on and
 * submits transitions to. Reconnects by itself; its state is reported so every window can show it.
 */
import { io, type Socket } from 'socket.io-client';
import { ContractError } from '../../../shared/contract';
import {
  CONSOLE_NAMESPACE,
  type CommandReceiptPart,
  type ConsoleCalls,
  type ConsoleListens,
  escalationMessageSchema,
  type EscalationMessage,
  type HubError,
  type PendingWorkers,
  type ResendResult,
  type SendAck,
  type SendCommand,
  type TicketsSince,
  type TicketTransitionAck,
  type TicketTransitionSubmit,
} from '../../../shared/protocol/hub-protocol';
import type { ModeSwitchAck, ModeSwitchSubmit } from '../../../shared/protocol/mode-protocol';

export type HubLinkState = 'unconfigured' | 'connecting' | 'connected' | 'refused';

export interface HubLinkOptions {
  url: string;
  consoleSecret: string;
  onState: (state: HubLinkState, detail?: string) => void;
  /** The summed receipts of one command changed. */
  onReceipts: (id: string, parts: readonly CommandReceiptPart[]) => void;
  /** A hub escalated the workers who missed a command's deadline (checked against `escalationMessageSchema`). */
  onEscalation?: (message: EscalationMessage) => void;
  /** An event of the hub's ticket stream (checked by the ticket desk), and the link's (re)connection. */
  onTicket?: (event: unknown) => void;
  onConnected?: () => void;
  /** A message from the hub that failed its check, dropped. */
  onRejected?: (event: string, reason: string) => void;
  /** How long one call may wait for the hub. */
  timeoutMs?: number;
}

/** The hub could not be asked, or said no: the caller gets a typed 'unavailable' error with the reason. */
export const hubUnavailable = (message: string): ContractError => new ContractError({ code: 'unavailable', message });

export class HubLink {
  private readonly socket: Socket<ConsoleListens, ConsoleCalls>;
  /** Latest part per command per hub. */
  private readonly parts = new Map<string, Map<string, CommandReceiptPart>>();
  state: HubLinkState = 'connecting';

  constructor(private readonly options: HubLinkOptions) {
    this.socket = io(`${options.url}${CONSOLE_NAMESPACE}`, {
      transports: ['websocket'],
      auth: { token: options.consoleSecret },
      reconnectionDelayMax: 5000,
    });
    this.socket.on('connect', () => {
      this.setState('connected');
      options.onConnected?.();
    });
    this.socket.on('tickets', (events: unknown) => {
      if (!Array.isArray(events)) {
        options.onRejected?.('tickets', 'not a list of ticket events');
        return;
      }
      for (const event of events as unknown[]) options.onTicket?.(event);
    });
    this.socket.on('disconnect', (reason) => this.setState('connecting', reason));
    this.socket.on('connect_error', (error) =>
      this.setState(error.message.includes('unauthorized') ? 'refused' : 'connecting', error.message),
    );
    this.socket.on('receipts', (message) => {
      for (const part of message.commands) {
        let byHub = this.parts.get(part.id);
        if (!byHub) this.parts.set(part.id, (byHub = new Map<string, CommandReceiptPart>()));
        byHub.set(message.hub, part);
        options.onReceipts(part.id, [...byHub.values()]);
      }
    });
    this.socket.on('escalation', (message: unknown) => {
      const checked = escalationMessageSchema.safeParse(message);
      if (checked.success) options.onEscalation?.(checked.data);
      else options.onRejected?.('escalation', checked.error.issues[0]?.message ?? 'malformed');
    });
  }

  private setState(state: HubLinkState, detail?: string): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onState(state, detail);
  }

  /** The receipt parts known for a command (one per hub). */
  partsOf(id: string): readonly CommandReceiptPart[] {
    return [...(this.parts.get(id)?.values() ?? [])];
  }

  private async call<T>(send: (socket: Socket<ConsoleListens, ConsoleCalls>) => Promise<T | HubError>): Promise<T> {
    if (!this.socket.connected) throw hubUnavailable('the command hub is not connected');
    const answer = await send(this.socket.timeout(this.options.timeoutMs ?? 10_000));
    if (typeof answer === 'object' && answer !== null && 'error' in answer) {
      throw hubUnavailable(answer.error);
    }
    return answer;
  }

  send(command: SendCommand): Promise<SendAck> {
    return this.call((socket) => socket.emitWithAck('command:send', command));
  }

  pending(id: string): Promise<PendingWorkers> {
    return this.call((socket) => socket.emitWithAck('command:pending', id));
  }

  resend(id: string): Promise<ResendResult> {
    return this.call((socket) => socket.emitWithAck('command:resend', id));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Ticket events after a sequence number (the ticket stream's catch-up). */
  since(seq: number): Promise<TicketsSince> {
    return this.call((socket) => socket.emitWithAck('tickets:since', seq));
  }

  /** A transition or merge of a live ticket; the hub's answer (logged, or why not) as it is. */
  async submit(submit: TicketTransitionSubmit): Promise<TicketTransitionAck> {
    if (!this.socket.connected) throw hubUnavailable('the command hub is not connected');
    const socket = this.socket.timeout(this.options.timeoutMs ?? 10_000);
    return (await socket.emitWithAck('ticket:transition', submit)) as TicketTransitionAck;
  }

  /** An emergency mode switch (mode-protocol.ts); the hub's answer (logged, or why not) as it is. */
  async switchMode(submit: ModeSwitchSubmit): Promise<ModeSwitchAck> {
    if (!this.socket.connected) throw hubUnavailable('the command hub is not connected');
    const socket = this.socket.timeout(this.options.timeoutMs ?? 10_000);
    return (await socket.emitWithAck('mode:switch', submit)) as ModeSwitchAck;
  }

  close(): void {
    this.socket.close();
  }
}
