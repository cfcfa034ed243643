/**
 * The bare page: a plain `new Deck()` drawing the app's layers (same factories, order and props, bare-layers.ts) from
 * the same data, with nothing around it — no React, no maplibre basemap, no panels, no contract socket. Bundled by
 * esbuild (map-build.ts) and served by the bench's loopback server with the data as one MessagePack file in the
 * contract's own wire format.
 *
 * Like the app it exposes `window.gridlineBench` (jumpTo/getView) and raises the same markers on <html>:
 * `data-app-state="ready"` at its first drawn frame, `data-map-drawn="all"` at the first frame drawn after every
 * layer's data is in.
 *
 * URL parameters: width, height (the deck canvas, in CSS pixels: the app's map element size), longitude, latitude,
 * zoom (the first view: the app's fitted city view).
 */
import { Deck, MapView, type MapViewState } from '@deck.gl/core';
import { cameraIconAtlas } from '../../../renderer/map/layers/cameras/cameras-layer';
import { colorAttribute } from '../../../renderer/map/layers/point-style';
import { decodeFrame } from '../../../shared/contract/wire';
import { composeMapLayers, type BareMapData, type PreparedMapData } from './bare-layers';

const params = new URLSearchParams(window.location.search);
const number = (name: string, fallback: number): number => {
  const value = Number(params.get(name));
  return params.has(name) && Number.isFinite(value) ? value : fallback;
};

const container = document.getElementById('map') as HTMLDivElement;
Object.assign(container.style, {
  position: 'relative',
  width: `${number('width', window.innerWidth)}px`,
  height: `${number('height', window.innerHeight)}px`,
});

// The view state MapboxOverlay derives from maplibre (deck-utils getViewState): no bearing or pitch, world copies on.
let viewState: MapViewState & { repeat: boolean } = {
  longitude: number('longitude', 113.65),
  latitude: number('latitude', 34.76),
  zoom: number('zoom', 9),
  bearing: 0,
  pitch: 0,
  repeat: true,
};
// The app's layers see the zoom rounded to half levels (MapView's onZoom); so do these.
const roundZoom = (zoom: number): number => Math.round(zoom * 2) / 2;
let layerZoom = roundZoom(viewState.zoom);
let data: PreparedMapData | undefined;
let drawnAll = false;
let drawnOnce = false;

const deck = new Deck({
  parent: container,
  views: new MapView({ id: 'mapbox' }),
  viewState,
  controller: false,
  layers: [],
  // As MapboxOverlay creates its Deck in the app (overlaid, non-interleaved).
  deviceProps: { createCanvasContext: { pixelSizeSource: 'css-dpr' } },
  onAfterRender: () => {
    if (!drawnOnce) {
      drawnOnce = true;
      document.documentElement.dataset.appState = 'ready';
    }
    if (data && !drawnAll) {
      drawnAll = true;
      document.documentElement.dataset.mapDrawn = 'all';
    }
  },
  onError: (error) => {
    console.error('bare page: deck error', error);
    document.documentElement.dataset.appState = 'error';
  },
});

window.gridlineBench = {
  jumpTo: ({ longitude, latitude, zoom }) => {
    viewState = { ...viewState, longitude, latitude, zoom };
    const rounded = roundZoom(zoom);
    if (data && rounded !== layerZoom) {
      layerZoom = rounded;
      deck.setProps({ viewState, layers: composeMapLayers(data, layerZoom) });
    } else deck.setProps({ viewState });
  },
  getView: () => ({ longitude: viewState.longitude, latitude: viewState.latitude, zoom: viewState.zoom }),
};

async function load(): Promise<void> {
  const response = await fetch('data.bin');
  if (!response.ok) throw new Error(`data.bin: HTTP ${response.status}`);
  const frame = decodeFrame(new Uint8Array(await response.arrayBuffer())) as { output: BareMapData };
  const sent = frame.output;
  // What the app's hooks do with each answer (use-ticket-heatmap, use-point-layers), once.
  const points = (['workers', 'cameras', 'sensors'] as const).map(
    (layer) => [layer, { data: sent.points[layer], colors: colorAttribute(sent.points[layer]) }] as const,
  );
  data = {
    ...sent,
    heatmap: { ...sent.heatmap, weights: Float32Array.from(sent.heatmap.counts) },
    points: Object.fromEntries(points) as PreparedMapData['points'],
    cameraAtlas: cameraIconAtlas(),
  };
  layerZoom = roundZoom(viewState.zoom);
  deck.setProps({ layers: composeMapLayers(data, layerZoom) });
}

load().catch((error: unknown) => {
  console.error('bare page: loading failed', error);
  document.documentElement.dataset.appState = 'error';
});
