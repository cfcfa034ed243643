import { PNG } from 'pngjs';

/** Pixels of a PNG screenshot within `tolerance` of `color` on every channel: "is this layer on screen?". */
export function countPixelsNear(png: Buffer, color: readonly number[], tolerance = 40): number {
  const { data } = PNG.sync.read(png);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (
      Math.abs(data[i]! - color[0]!) <= tolerance &&
      Math.abs(data[i + 1]! - color[1]!) <= tolerance &&
      Math.abs(data[i + 2]! - color[2]!) <= tolerance
    ) {
      count++;
    }
  }
  return count;
}
