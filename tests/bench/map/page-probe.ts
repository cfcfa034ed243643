/**
 * Injected into both pages (the app and the bare deck.gl page) before any of their own scripts run, bundled by
 * esbuild as one IIFE and handed to Playwright's addInitScript. It
 *  - timestamps the page markers on <html> the moment they are set: a MutationObserver callback runs as a microtask
 *    right after the attribute changes, in the same task, so `performance.now()` there is the marker's time (ms since
 *    the page's navigation start, `performance.timeOrigin`);
 *  - reads the WebGL renderer string (WEBGL_debug_renderer_info) from a throwaway WebGL2 context;
 *  - drives the scripted camera path through `window.gridlineBench.jumpTo`, one step per requestAnimationFrame, and
 *    returns the rAF-to-rAF intervals.
 * Runs in the browser, with no runtime imports: both pages get exactly the same code.
 */
import type { BenchView, PageProbe, PathResult } from './probe-types';

const MARKERS = ['data-app-state', 'data-city-state', 'data-map-drawn'] as const;

const marks: Record<string, number> = {};

function record(element: Element): void {
  for (const name of MARKERS) {
    const value = element.getAttribute(name);
    const key = `${name}=${value}`;
    if (value !== null && marks[key] === undefined) marks[key] = performance.now();
  }
}

// Observing the document (not <html>, which may not exist yet) with subtree catches <html> once it is inserted.
new MutationObserver((mutations) => {
  for (const mutation of mutations) if (mutation.target instanceof Element) record(mutation.target);
}).observe(document, { subtree: true, attributes: true, attributeFilter: [...MARKERS] });

function webglRenderer(): { renderer: string; vendor: string; version: string } {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return { renderer: 'no WebGL2', vendor: '', version: '' };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const result = {
    renderer: String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
    vendor: String(gl.getParameter(info ? info.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
    version: String(gl.getParameter(gl.VERSION)),
  };
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return result;
}

/**
 * WebGL draw calls per canvas while the path is recorded: deck.gl's (#deckgl-overlay), maplibre's (.maplibregl-canvas)
 * and others (offscreen). Layers drawn twice a frame show up here as twice the calls. The wrapper costs a flag test per
 * call, in both pages alike.
 */
const drawCalls: Record<string, number> = {};
let counting = false;
const contextProto = WebGL2RenderingContext.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of [
  'drawArrays',
  'drawElements',
  'drawArraysInstanced',
  'drawElementsInstanced',
  'drawRangeElements',
]) {
  const original = contextProto[name];
  if (!original) continue;
  contextProto[name] = function (this: WebGL2RenderingContext, ...args: unknown[]) {
    if (counting) {
      const canvas = this.canvas;
      const key = !(canvas instanceof HTMLCanvasElement)
        ? 'offscreen'
        : canvas.id === 'deckgl-overlay'
          ? 'deck'
          : canvas.classList.contains('maplibregl-canvas')
            ? 'maplibre'
            : 'other';
      drawCalls[key] = (drawCalls[key] ?? 0) + 1;
    }
    return original.apply(this, args);
  };
}

/**
 * Moves the view along `views`, one step per animation frame, and returns the intervals between consecutive rAF
 * timestamps from step `recordFrom` on: interval k is the time from the frame that applied views[k] to the next one,
 * i.e. what it cost to draw views[k] — as long as Chromium's frame clock holds the page back while the GPU catches up
 * (it does at its normal 60 Hz clock, in steps of 16.7 ms; unthrottled, a software GPU runs behind the page).
 */
function runPath(views: BenchView[], recordFrom: number): Promise<PathResult> {
  const hook = window.gridlineBench;
  if (!hook) return Promise.reject(new Error('window.gridlineBench is missing (open the page with ?bench=1)'));
  return new Promise((resolve) => {
    // stamps[k]: the frame that applied views[k]; stamps[views.length]: the frame after the last one.
    const stamps: number[] = [];
    const frame = (time: number): void => {
      const step = stamps.push(time) - 1;
      if (step === views.length) {
        counting = false;
        resolve({
          intervals: stamps.slice(recordFrom + 1).map((stamp, i) => stamp - stamps[recordFrom + i]!),
          drawCalls: { ...drawCalls },
        });
        return;
      }
      if (step === recordFrom) counting = true;
      hook.jumpTo(views[step]!);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

const probe: PageProbe = { marks, webglRenderer, runPath };
window.__gridlineMapProbe = probe;
