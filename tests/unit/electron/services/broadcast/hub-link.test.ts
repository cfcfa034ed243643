/**
 * What the hub link accepts from a hub: escalations are checked before they reach the store or a window. A stand-in
 * hub (a bare Socket.IO `/console` namespace) sends one good and several bad ones.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterAll, describe, expect, it } from 'vitest';
import { HubLink } from '../../../../../electron/services/broadcast/hub-link';
import {
  CONSOLE_NAMESPACE,
  ESCALATION_MAX_WORKERS,
  escalationMessageSchema,
  type EscalationMessage,
} from '../../../../../shared/protocol/hub-protocol';

const good: EscalationMessage = { hub: 'hub-1', id: 'b-0123456789', workers: [3, 5, 8], at: 1_795_400_000_000 };

describe('escalation messages', () => {
  it('accepts what the hub sends', () => {
    expect(escalationMessageSchema.parse(good)).toEqual(good);
  });

  it.each([
    { title: 'an unknown key', message: { ...good, note: 'x' } },
    { title: 'an id no console would have made', message: { ...good, id: 'b 1; DROP' } },
    { title: 'a fractional worker id', message: { ...good, workers: [1.5] } },
    { title: 'a negative worker id', message: { ...good, workers: [-1] } },
    { title: 'nobody escalated', message: { ...good, workers: [] } },
    {
      title: 'more workers than any city has',
      message: { ...good, workers: new Array<number>(ESCALATION_MAX_WORKERS + 1).fill(1) },
    },
    { title: 'a time that is not a number', message: { ...good, at: '12:00' } },
    { title: 'an empty hub name', message: { ...good, hub: '' } },
  ])('refuses $title', ({ message }) => {
    expect(escalationMessageSchema.safeParse(message).success).toBe(false);
  });
});

describe('the hub link', () => {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  afterAll(async () => {
    await io.close();
  });

  it('passes on a checked escalation and drops a malformed one, saying why', async () => {
    io.of(CONSOLE_NAMESPACE).on('connection', (socket) => {
      socket.emit('escalation', { ...good, workers: ['everyone'] });
      socket.emit('escalation', good);
      // Ticket events come in lists, each passed on in order for the ticket desk to check; anything else is refused.
      (socket as unknown as { emit: (event: string, payload: unknown) => void }).emit('tickets', { seq: 1 });
      socket.emit('tickets', [{ seq: 1 }, { seq: 2 }] as never);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const passed: EscalationMessage[] = [];
    const rejected: string[] = [];
    const tickets: unknown[] = [];
    const link = new HubLink({
      url: `http://127.0.0.1:${port}`,
      consoleSecret: 'secret',
      onState: () => {},
      onReceipts: () => {},
      onEscalation: (message) => passed.push(message),
      onRejected: (event) => rejected.push(event),
      onTicket: (event) => tickets.push(event),
    });
    try {
      await expect.poll(() => tickets.length).toBe(2);
      expect(passed).toEqual([good]);
      expect(rejected).toEqual(['escalation', 'tickets']);
      expect(tickets).toEqual([{ seq: 1 }, { seq: 2 }]);
    } finally {
      link.close();
    }
  });
});
