/**
 * The hub's hot path, one layer beneath Socket.IO. Handshake, authentication, rooms, heartbeats, replay and resend
 * stay stock Socket.IO; only the two messages a broadcast multiplies by every worker take a shorter road:
 *
 * - out: a command is framed once — the very WebSocket frame Socket.IO would write for `emit('c', text)` (engine.io
 *   message `4`, Socket.IO event `2`, `["c", text]`) — and that one Buffer is written to each recipient's TCP socket.
 *   Socket.IO's own broadcast also encodes once, but then still builds a packet object, a write buffer, a flush, two
 *   writes and a drain event per socket; here it is one write.
 * - in: a receipt `42["r",seq,kind]` is recognised in the bytes read off the TCP socket (a masked WebSocket frame
 *   or a few) as ws hands them to its frame parser, before that parser, engine.io and Socket.IO see them (a Writable
 *   stream, buffer copies, a string, a packet object, JSON.parse and an event dispatch per receipt). A read that
 *   holds anything else goes to ws untouched, and a receipt in it is still recognised in ws's message, before
 *   engine.io sees it.
 *
 * A phone runs a stock socket.io-client and cannot tell the difference. A socket whose engine.io has anything of its
 * own in flight (a heartbeat, a replay) gets the command through Socket.IO instead, so order on the wire holds; so
 * does a socket whose internals are not what this module expects (counted in `WireStats.fallbacks`).
 */
import type { Socket } from 'socket.io';
import { RECEIPT_DELIVERED, RECEIPT_READ } from '../../shared/protocol/hub-protocol';

/** The event name of a command on the wire, and of a receipt. */
export const COMMAND_EVENT = 'c';
export const RECEIPT_EVENT = 'r';

/** The engine.io + Socket.IO text of `emit(event, ...args)` in the main namespace, without an ack id. */
export function socketIoEventText(event: string, ...args: unknown[]): string {
  // engine.io packet type 4 (message) + Socket.IO packet type 2 (event) + the JSON array.
  return `42${JSON.stringify([event, ...args])}`;
}

/** An unmasked, unfragmented WebSocket text frame (RFC 6455 §5.2; a server never masks). */
export function webSocketTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/** The frame of one command, built once per broadcast for every recipient on this hub. */
export const commandFrame = (wireText: string): Buffer =>
  webSocketTextFrame(socketIoEventText(COMMAND_EVENT, wireText));

const RECEIPT_PREFIX = Buffer.from(`42["${RECEIPT_EVENT}",`);
const DIGIT_0 = 0x30;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

/**
 * `(seq, kind)` of a receipt frame `42["r",<seq>,<kind>]`, or undefined for anything else (which then goes to
 * Socket.IO as usual, where a malformed receipt is refused and counted).
 */
export function parseReceipt(data: Buffer, length = data.length): { seq: number; kind: number } | undefined {
  const prefix = RECEIPT_PREFIX.length;
  // Shortest: prefix + 1 digit + ',' + kind + ']'; longest: a 15-digit sequence number.
  if (length < prefix + 4 || length > prefix + 18) return undefined;
  for (let i = 0; i < prefix; i++) if (data[i] !== RECEIPT_PREFIX[i]) return undefined;
  let seq = 0;
  let i = prefix;
  for (; i < length; i++) {
    const digit = data[i]! - DIGIT_0;
    if (digit < 0 || digit > 9) break;
    seq = seq * 10 + digit;
  }
  if (i === prefix || data[i] !== COMMA || length !== i + 3 || data[i + 2] !== CLOSE_BRACKET) return undefined;
  const kind = data[i + 1]! - DIGIT_0;
  if (kind !== RECEIPT_DELIVERED && kind !== RECEIPT_READ) return undefined;
  return { seq, kind };
}

/** A receipt's payload is at most this long (the prefix, 15 digits, `,k]`): frames up to it are looked at. */
const RECEIPT_MAX = RECEIPT_PREFIX.length + 18;
/** Receipts one read may carry and still be taken whole (a phone sends one or two at a time). */
const RECEIPTS_PER_READ = 8;
const unmasked = Buffer.alloc(RECEIPT_MAX);
const takenSeqs = new Float64Array(RECEIPTS_PER_READ);
const takenKinds = new Uint8Array(RECEIPTS_PER_READ);

/**
 * When `chunk` (bytes read from a worker) is nothing but complete, masked, single-frame receipts, hands each to
 * `onReceipt` and says how many; otherwise 0 and nothing was handed on (the whole chunk is then ws's).
 */
export function takeReceiptFrames(chunk: Buffer, onReceipt: (seq: number, kind: number) => void): number {
  let count = 0;
  let offset = 0;
  while (offset < chunk.length) {
    // FIN + text, masked (every client frame is), a 7-bit length: 2 bytes, then the 4-byte mask, then the payload.
    if (count === RECEIPTS_PER_READ || chunk.length - offset < 6 || chunk[offset] !== 0x81) return 0;
    const second = chunk[offset + 1]!;
    const length = second & 0x7f;
    if ((second & 0x80) === 0 || length > RECEIPT_MAX || offset + 6 + length > chunk.length) return 0;
    const mask = offset + 2;
    const data = offset + 6;
    for (let i = 0; i < length; i++) unmasked[i] = chunk[data + i]! ^ chunk[mask + (i & 3)]!;
    const receipt = parseReceipt(unmasked, length);
    if (!receipt) return 0;
    takenSeqs[count] = receipt.seq;
    takenKinds[count] = receipt.kind;
    count++;
    offset = data + length;
  }
  for (let k = 0; k < count; k++) onReceipt(takenSeqs[k]!, takenKinds[k]!);
  return count;
}

/** What the hot path did, for the hub's stats and the tests that keep it honest. */
export interface WireStats {
  /** Commands written straight to a socket. */
  directFrames: number;
  /** Commands that went through Socket.IO (engine.io busy, or unexpected internals). */
  fallbacks: number;
  /** Receipts taken from the bytes read, before ws's frame parser. */
  directReceipts: number;
  /** Receipts taken from ws's message, before engine.io (a read that held something else too). */
  messageReceipts: number;
}

// The parts of engine.io's and ws's objects this module touches. Checked at runtime: not part of their typed API.
interface TcpSocket {
  write(chunk: Buffer): boolean;
}
/** ws's frame parser: between frames when in state 0 (GET_INFO) with nothing buffered and no message in pieces. */
interface WsReceiver {
  _state: number;
  _bufferedBytes: number;
  _fragmented: number;
  writableLength: number;
  write(chunk: Buffer): boolean;
}
interface RawWebSocket {
  readyState: number;
  _socket?: TcpSocket;
  _receiver?: WsReceiver;
  listeners(event: 'message'): ((data: Buffer, isBinary: boolean) => void)[];
  removeAllListeners(event: 'message'): unknown;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): unknown;
}
interface EngineSocket {
  readyState: string;
  writeBuffer: unknown[];
  transport: { name: string; writable: boolean; socket?: RawWebSocket };
}

const WS_OPEN = 1;

/** One worker's connection, as the hot path sees it. */
export class WorkerWire {
  private readonly engine: EngineSocket;
  private readonly ws: RawWebSocket | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly stats: WireStats,
  ) {
    this.engine = socket.conn as unknown as EngineSocket;
    const ws = this.engine.transport.socket;
    const usable =
      this.engine.transport.name === 'websocket' &&
      ws !== undefined &&
      typeof ws._socket?.write === 'function' &&
      typeof ws.listeners === 'function';
    this.ws = usable ? ws : undefined;
  }

  /**
   * Receipts from this worker go to `onReceipt` without engine.io or Socket.IO parsing them; every other message
   * still reaches them, in order.
   */
  interceptReceipts(onReceipt: (seq: number, kind: number) => void): void {
    const ws = this.ws;
    if (!ws) return;
    const receiver = ws._receiver;
    if (receiver && typeof receiver._bufferedBytes === 'number' && typeof receiver.write === 'function') {
      // ws hands every read to its frame parser's write(): receipts are taken there, between frames only.
      const parse = receiver.write.bind(receiver);
      receiver.write = (chunk) => {
        if (
          receiver._state === 0 &&
          receiver._bufferedBytes === 0 &&
          receiver._fragmented === 0 &&
          receiver.writableLength === 0
        ) {
          const taken = takeReceiptFrames(chunk, onReceipt);
          if (taken > 0) {
            this.stats.directReceipts += taken;
            return true;
          }
        }
        return parse(chunk);
      };
    }
    // Receipts that reach ws after all (a read that held something else too) are still taken before engine.io.
    const engineListeners = ws.listeners('message');
    ws.removeAllListeners('message');
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        const receipt = parseReceipt(data);
        if (receipt) {
          this.stats.messageReceipts++;
          onReceipt(receipt.seq, receipt.kind);
          return;
        }
      }
      for (const listener of engineListeners) listener.call(ws, data, isBinary);
    });
  }

  /** Writes a command frame built by `commandFrame(wireText)`. */
  send(frame: Buffer, wireText: string): void {
    const { engine, ws } = this;
    // Anything engine.io has queued or in flight must go first: then Socket.IO sends this after it.
    if (
      ws?._socket &&
      ws.readyState === WS_OPEN &&
      engine.readyState === 'open' &&
      engine.transport.writable &&
      engine.writeBuffer.length === 0
    ) {
      ws._socket.write(frame);
      this.stats.directFrames++;
      return;
    }
    this.stats.fallbacks++;
    this.socket.emit(COMMAND_EVENT, wireText);
  }
}
