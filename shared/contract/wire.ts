/**
 * The web host's wire protocol: the contract carried over one WebSocket per window. Frames are binary MessagePack so
 * typed arrays (large map data) travel as raw bytes, never as JSON number lists.
 *
 *   renderer → host  { type: 'invoke', id, name, input }
 *   host → renderer  { type: 'result', id, ok: true, output } | { type: 'result', id, ok: false, error }
 *                    { type: 'event', name, payload }
 *                    { type: 'error', error }            a frame that could not be read at all (no id to answer)
 */
import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';
import { z } from 'zod';
import { contractErrorSchema } from './errors';

export const clientMessageSchema = z.strictObject({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  name: z.string().max(128),
  input: z.unknown(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

const resultMessageSchema = z.discriminatedUnion('ok', [
  z.strictObject({ type: z.literal('result'), id: z.number(), ok: z.literal(true), output: z.unknown() }),
  z.strictObject({ type: z.literal('result'), id: z.number(), ok: z.literal(false), error: contractErrorSchema }),
]);

export const serverMessageSchema = z.discriminatedUnion('type', [
  resultMessageSchema,
  z.strictObject({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.strictObject({ type: z.literal('error'), error: contractErrorSchema }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Typed arrays keep their element type across the wire (MessagePack alone knows only bytes). */
const TYPED_ARRAYS = [
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint16Array,
  Uint32Array,
  Uint8ClampedArray,
] as const;

const codec = new ExtensionCodec();
TYPED_ARRAYS.forEach((Ctor, index) => {
  codec.register({
    type: index + 1,
    encode: (value: unknown) =>
      value instanceof Ctor ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null,
    decode: (bytes: Uint8Array) => {
      // Copy to an aligned buffer: the frame's bytes may start at any offset.
      const copy = bytes.slice();
      return new Ctor(copy.buffer, 0, copy.byteLength / Ctor.BYTES_PER_ELEMENT);
    },
  });
});

export function encodeFrame(message: ClientMessage | ServerMessage): Uint8Array<ArrayBuffer> {
  return encode(message, { extensionCodec: codec, ignoreUndefined: true });
}

export function decodeFrame(bytes: Uint8Array): unknown {
  return decode(bytes, { extensionCodec: codec });
}

/** Where the web host serves the contract socket. */
export const CONTRACT_SOCKET_PATH = '/contract';

/** Largest frame the host accepts from a renderer: calls are small; bulk data only flows host → renderer. */
export const MAX_CLIENT_FRAME_BYTES = 1024 * 1024;
