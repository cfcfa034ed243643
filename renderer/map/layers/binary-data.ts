/**
 * deck.gl decides what to recompute by identity: a new `data` object re-runs every attribute (and re-tessellates
 * paths and polygons), a new attribute descriptor re-uploads that buffer. Layers are re-created on every zoom step, so
 * the objects handed to deck are built once per input array and reused — a zoom or a colour change then touches only
 * the attribute that changed.
 */
import type { BinaryAttribute } from '@deck.gl/core';

export function memoize<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = build(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** A binary attribute descriptor `{ value, size }`, one per typed array. */
export const positionsAttribute = memoize((value: Float32Array | Float64Array) => ({ value, size: 2 }));

/** RGBA bytes per object, normalised to 0..1 on the GPU. */
export const colorsAttribute = memoize((value: Uint8Array) => ({ value, size: 4, normalized: true }));

/** Points with positions only (aggregation layers). */
export const pointPositions = memoize((positions: Float32Array) => ({
  length: positions.length / 2,
  attributes: { getPosition: positionsAttribute(positions) },
}));

/**
 * Points with a colour each, keyed by the colours: new statuses bring new colours and a new data object, but the
 * positions' descriptor is the same object, so deck.gl re-uploads the colours only.
 */
export interface BinaryPoints {
  length: number;
  attributes: Record<string, BinaryAttribute>;
}
const coloredPointsCache = new WeakMap<Uint8Array, BinaryPoints>();
export function coloredPoints(
  positions: Float32Array,
  colors: Uint8Array,
  colorAccessor: 'getFillColor' | 'getColor',
): BinaryPoints {
  let data = coloredPointsCache.get(colors);
  if (!data) {
    data = {
      length: positions.length / 2,
      attributes: { getPosition: positionsAttribute(positions), [colorAccessor]: colorsAttribute(colors) },
    };
    coloredPointsCache.set(colors, data);
  }
  return data;
}
