import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { clientMessageSchema, decodeFrame, encodeFrame, serverMessageSchema } from '../../../../shared/contract/wire';

describe('wire codec', () => {
  it('carries typed arrays as typed arrays, with their values and element type', () => {
    const positions = new Float32Array([113.65, 34.76, 113.7, 34.8]);
    const backing = new Uint32Array([9, 1, 2, 3, 9]);
    const offsets = backing.subarray(1, 4); // a view that does not start at byte 0
    const decoded = decodeFrame(
      encodeFrame({ type: 'result', id: 1, ok: true, output: { positions, offsets, ids: new Float64Array([1e15]) } }),
    ) as { output: { positions: Float32Array; offsets: Uint32Array; ids: Float64Array } };
    expect(decoded.output.positions).toBeInstanceOf(Float32Array);
    expect([...decoded.output.positions]).toEqual([...positions]);
    expect(decoded.output.offsets).toBeInstanceOf(Uint32Array);
    expect([...decoded.output.offsets]).toEqual([1, 2, 3]);
    expect(decoded.output.ids[0]).toBe(1e15);
  });

  it('validates both directions of the protocol', () => {
    expect(clientMessageSchema.safeParse({ type: 'invoke', id: 1, name: 'settings.get', input: {} }).success).toBe(
      true,
    );
    expect(clientMessageSchema.safeParse({ type: 'invoke', id: -1, name: 'x', input: {} }).success).toBe(false);
    expect(clientMessageSchema.safeParse({ type: 'invoke', id: 1.5, name: 'x', input: {} }).success).toBe(false);
    expect(clientMessageSchema.safeParse({ type: 'invoke', id: 1, name: 'x'.repeat(200), input: {} }).success).toBe(
      false,
    );
    expect(
      serverMessageSchema.safeParse({ type: 'result', id: 1, ok: false, error: { code: 'internal', message: 'x' } })
        .success,
    ).toBe(true);
    expect(
      serverMessageSchema.safeParse({ type: 'result', id: 1, ok: false, error: { code: 'nope', message: 'x' } })
        .success,
    ).toBe(false);
    expect(serverMessageSchema.safeParse({ type: 'event', name: 'settings.changed', payload: {} }).success).toBe(true);
  });

  it('throws on bytes that are not MessagePack, which the hosts turn into a typed error', () => {
    expect(() => decodeFrame(new Uint8Array([0xc1]))).toThrow();
    expect(decodeFrame(encode({ plain: true }))).toEqual({ plain: true });
  });
});
