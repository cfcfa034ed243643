/**
 * The scripted camera path both pages follow, frame by frame: from the fitted city view, pan east and west across
 * the city, zoom into the centre to district zoom (12.5: camera icons, single workers, L2 and L3 boundaries on), pan
 * a little there, and zoom back out to the city view. Defined per frame, not per second, so both pages draw exactly
 * the same sequence of views whatever their frame rate.
 */
import type { BenchView } from './probe-types';

export const DETAIL_ZOOM = 12.5;

export interface PathKey {
  /** 0..1 along the path. */
  at: number;
  view: BenchView;
}

/** Keyframes, with pans sized to the canvas (a fraction of what is on screen at the city view). */
export function pathKeys(start: BenchView, centre: BenchView, widthPx: number, heightPx: number): PathKey[] {
  // Degrees on screen at the start zoom (512-px tiles, as maplibre and deck.gl count zoom).
  const spanLng = (widthPx / (512 * 2 ** start.zoom)) * 360;
  const spanLat = spanLng * (heightPx / widthPx) * Math.cos((start.latitude * Math.PI) / 180);
  const at = (longitude: number, latitude: number, zoom: number): BenchView => ({ longitude, latitude, zoom });
  const detailSpan = (widthPx / (512 * 2 ** DETAIL_ZOOM)) * 360;
  return [
    { at: 0, view: start },
    { at: 0.2, view: at(start.longitude + 0.3 * spanLng, start.latitude - 0.1 * spanLat, start.zoom) },
    { at: 0.4, view: at(start.longitude - 0.3 * spanLng, start.latitude + 0.1 * spanLat, start.zoom) },
    { at: 0.5, view: at(centre.longitude, centre.latitude, start.zoom + 0.5) },
    { at: 0.7, view: at(centre.longitude, centre.latitude, DETAIL_ZOOM) },
    { at: 0.8, view: at(centre.longitude + 0.5 * detailSpan, centre.latitude, DETAIL_ZOOM) },
    { at: 1, view: start },
  ];
}

/** `frames` views along the keyframes (linear in longitude, latitude and zoom). */
export function cameraPath(keys: PathKey[], frames: number): BenchView[] {
  return Array.from({ length: frames }, (_, i) => {
    const t = frames === 1 ? 0 : i / (frames - 1);
    const next = keys.findIndex((key) => key.at >= t);
    const b = keys[Math.max(1, next)]!;
    const a = keys[Math.max(0, Math.max(1, next) - 1)]!;
    const f = b.at === a.at ? 1 : (t - a.at) / (b.at - a.at);
    const mix = (from: number, to: number): number => from + (to - from) * f;
    return {
      longitude: mix(a.view.longitude, b.view.longitude),
      latitude: mix(a.view.latitude, b.view.latitude),
      zoom: mix(a.view.zoom, b.view.zoom),
    };
  });
}
