/** Types shared by the bench (Node) and the code it injects into pages. */

/** A camera position, as `window.gridlineBench.jumpTo` takes it. */
export interface BenchView {
  longitude: number;
  latitude: number;
  zoom: number;
}

export interface PathResult {
  /** ms per recorded frame, in path order. */
  intervals: number[];
  /** WebGL draw calls during the recorded frames, by canvas: deck, maplibre, other, offscreen. */
  drawCalls: Record<string, number>;
}

export interface PageProbe {
  /** `attribute=value` → ms since navigation start when <html> first carried it. */
  marks: Record<string, number>;
  webglRenderer: () => { renderer: string; vendor: string; version: string };
  runPath: (views: BenchView[], recordFrom: number) => Promise<PathResult>;
}

declare global {
  interface Window {
    __gridlineMapProbe?: PageProbe;
  }
}
