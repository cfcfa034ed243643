/**
 * The hub's hot path at the byte level: the frame it writes is the WebSocket frame Socket.IO would write for the same
 * emit, and only well-formed receipts are taken off the wire (everything else is left to Socket.IO).
 */
import { describe, expect, it } from 'vitest';
import { Encoder } from 'socket.io-parser';
import {
  commandFrame,
  parseReceipt,
  socketIoEventText,
  takeReceiptFrames,
  webSocketTextFrame,
} from '../../../hub/server/worker-wire';

/** A client's frame: masked with `mask`, as every phone's frame is (RFC 6455 §5.3). */
function clientFrame(text: string, mask = [0x12, 0x34, 0x56, 0x78]): Buffer {
  const payload = Buffer.from(text);
  const masked = payload.map((byte, i) => byte ^ mask[i % 4]!);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, ...mask]), masked]);
}

describe('worker wire', () => {
  it('encodes an event exactly as Socket.IO does (engine.io message 4 + its encoder)', () => {
    const text = JSON.stringify({ i: 'cmd-1', s: 7, t: '请立即巡查 "积水" \\ 路段' });
    const encoded: unknown[] = new Encoder().encode({ type: 2, nsp: '/', data: ['c', text] });
    expect(encoded).toHaveLength(1);
    expect(socketIoEventText('c', text)).toBe(`4${String(encoded[0])}`);
  });

  it('frames text as RFC 6455 says, for each of the three length forms', () => {
    for (const length of [5, 125, 126, 65_535, 65_536, 70_000]) {
      const text = 'x'.repeat(length);
      const frame = webSocketTextFrame(text);
      expect(frame[0]).toBe(0x81);
      const [header, declared] =
        length < 126
          ? [2, frame[1]]
          : length < 65_536
            ? [4, frame[1] === 126 ? frame.readUInt16BE(2) : -1]
            : [10, frame[1] === 127 ? Number(frame.readBigUInt64BE(2)) : -1];
      expect(declared).toBe(length);
      expect(frame.length).toBe(header + length);
      expect(frame.subarray(header).toString()).toBe(text);
    }
    // Multi-byte text: the length is in bytes, not characters.
    const chinese = webSocketTextFrame('指令');
    expect(chinese[1]).toBe(6);
    expect(commandFrame('{"i":"a"}').subarray(2).toString()).toBe('42["c","{\\"i\\":\\"a\\"}"]');
  });

  it('takes well-formed receipts and nothing else', () => {
    const receipt = (text: string) => parseReceipt(Buffer.from(text));
    expect(receipt('42["r",1,1]')).toEqual({ seq: 1, kind: 1 });
    expect(receipt('42["r",123456789012345,2]')).toEqual({ seq: 123_456_789_012_345, kind: 2 });
    for (const other of [
      '42["r",1,3]', // no such kind
      '42["r",-1,1]',
      '42["r",,1]',
      '42["r",1,1,1]',
      '42["r",1,1] ',
      '42["r",1.5,1]',
      '42["r","1",1]',
      '42["r",1234567890123456789,1]', // longer than any sequence number
      '421["r",1,1]', // with an ack id: Socket.IO's road
      '42["x",1,1]',
      '42["r",1]',
      '3',
      '',
    ]) {
      expect(receipt(other), other).toBeUndefined();
    }
  });

  it('takes reads that hold only whole receipt frames, and leaves any other read whole to ws', () => {
    const take = (chunk: Buffer): [number, number[][]] => {
      const seen: number[][] = [];
      return [takeReceiptFrames(chunk, (seq, kind) => seen.push([seq, kind])), seen];
    };
    expect(take(clientFrame('42["r",17,1]'))).toEqual([1, [[17, 1]]]);
    expect(take(Buffer.concat([clientFrame('42["r",17,1]'), clientFrame('42["r",17,2]', [0, 0, 0, 0])]))).toEqual([
      2,
      [
        [17, 1],
        [17, 2],
      ],
    ]);
    const receipt = clientFrame('42["r",17,1]');
    for (const other of [
      Buffer.concat([receipt, clientFrame('3')]), // a receipt and an engine.io pong
      Buffer.concat([clientFrame('3'), receipt]),
      receipt.subarray(0, receipt.length - 1), // a frame cut short by the read
      Buffer.concat([receipt, receipt.subarray(0, 3)]),
      webSocketTextFrame('42["r",17,1]'), // unmasked: no phone sends that
      Buffer.from([0x01, ...receipt.subarray(1)]), // not FIN: a fragment
      clientFrame('42["r",17,9]'),
      Buffer.alloc(0),
    ]) {
      expect(take(other)).toEqual([0, []]);
    }
    // Nine at once is more than one read is expected to carry: ws gets them (and the message road takes them).
    expect(take(Buffer.concat(Array.from({ length: 9 }, () => receipt)))[0]).toBe(0);
  });
});
