/**
 * The map: maplibre draws the offline basemap, deck.gl draws the city's layers over it. `onReady` fires once both
 * have drawn the first full frame (maplibre `idle`, deck `onAfterRender`), the signal the app's ready marker and the
 * end-to-end tests wait for. Layers change without re-creating the map.
 */
import type { Layer } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import { Map as MaplibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { BBox } from '../../shared/geo/types';
import { createBasemapStyle } from './basemap/basemap-style';

export interface MapViewProps {
  bounds: BBox;
  layers: Layer[];
  label: string;
  onReady: () => void;
  onError: (error: Error) => void;
  /** The zoom, rounded to half levels (layers switch detail on it). */
  onZoom?: (zoom: number) => void;
  /** A click on the map: where, at which zoom, and the deck.gl layer object under it (if a pickable one). */
  onPick?: (pick: MapPick) => void;
  /** Every layer has its data: the first frame drawn after this raises `onComplete` (the bench's "city drawn"). */
  complete?: boolean;
  onComplete?: () => void;
  /** Where to fly (a search hit); a new object flies again. */
  focus?: MapFocus;
  /**
   * What these layers show, in a word (e.g. "live-tickets:3"): written to `<html data-map-mark>` once deck.gl has
   * drawn a frame with them, so a test or a wall's monitor can tell when a change reached the screen.
   */
  mark?: string;
}

export interface MapPick {
  lng: number;
  lat: number;
  zoom: number;
  /** The pickable layer hit, and the index of the object in its data. */
  layerId?: string;
  index?: number;
}

export interface MapFocus {
  lng: number;
  lat: number;
  zoom: number;
  /** Where the place ends up, in pixels right of the map's centre (left when negative): beside a panel, not under it. */
  offsetX?: number;
}

/** Benchmarks and kiosk scripts drive the view through this hook, present only when the URL has `?bench`. */
export interface MapBenchHook {
  jumpTo: (view: { longitude: number; latitude: number; zoom: number }) => void;
  getView: () => { longitude: number; latitude: number; zoom: number };
}
declare global {
  interface Window {
    gridlineBench?: MapBenchHook;
  }
}

// The layer panel sits on the left and the ticket window at the bottom: the city fits in what they leave.
const FIT_PADDING_PX = { top: 32, right: 64, bottom: 120, left: 230 };

// maplibre finds its worker beside its own module only under http(s); the bundled copy works under every host.
setWorkerUrl(new URL(maplibreWorkerUrl, document.baseURI).href);

interface OverlayInternals {
  _updateViewState: () => void;
  _deck?: {
    isInitialized: boolean;
    redraw: (reason?: string) => void;
    needsRedraw: (options: { clearRedrawFlags: boolean }) => false | string;
    setProps: (props: { _customRender: (reason: string) => void }) => void;
    _drawLayers: (reason: string) => void;
  };
}

/**
 * One deck.gl draw per basemap frame, in step with it. The overlay (non-interleaved) draws deck on every maplibre
 * `render` event, and deck's own loop then draws a second time once its layers have seen the new viewport — twice
 * the GPU work (measured: 27 against 15 draw calls a frame). Here maplibre's frame is the only place deck draws; when
 * deck needs a frame of its own (new data, a hover highlight) its loop asks maplibre for one (`_customRender`).
 * Relies on @deck.gl/mapbox internals of the pinned 9.4 release (the e2e tests and the map bench check it).
 */
function drawOncePerFrame(basemap: MaplibreMap, overlay: MapboxOverlay): void {
  const internals = overlay as unknown as OverlayInternals;
  const syncViewState = internals._updateViewState;
  // deck clears its redraw flags before handing the frame over: keep its reason for the basemap's next frame.
  let wanted: string | undefined;
  internals._deck?.setProps({
    _customRender: (reason) => {
      wanted = reason;
      basemap.triggerRepaint();
    },
  });
  basemap.off('render', syncViewState);
  basemap.on('render', () => {
    const deck = internals._deck;
    if (!deck?.isInitialized) return;
    // The overlay's own handler, less its immediate redraw: the view state only.
    const redraw = deck.redraw;
    deck.redraw = () => {};
    syncViewState();
    deck.redraw = redraw;
    const reason = deck.needsRedraw({ clearRedrawFlags: true }) || wanted;
    wanted = undefined;
    if (reason) deck._drawLayers(reason);
  });
}

export function MapView(props: MapViewProps) {
  const { bounds, layers, label, onReady, onError, onZoom, onPick, complete = false, onComplete, focus, mark } = props;
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MaplibreMap>(null);
  const overlay = useRef<MapboxOverlay>(null);
  /** The mark of the layers last handed to deck.gl, written after the next frame it draws. */
  const pendingMark = useRef<string | undefined>(undefined);
  const initialLayers = useRef(layers);
  // Read by the map's and deck's callbacks, which outlive any one render: new handlers must not re-create the map.
  const completion = useRef({ complete, announced: false, onComplete });
  const handlers = useRef({ onReady, onError, onZoom, onPick });
  useLayoutEffect(() => {
    completion.current.complete = complete;
    completion.current.onComplete = onComplete;
    handlers.current = { onReady, onError, onZoom, onPick };
  });

  // The map is imperative and long-lived: created once per bounds, not per render.
  useEffect(() => {
    if (!container.current) return;
    const [west, south, east, north] = bounds;
    const basemap = new MaplibreMap({
      container: container.current,
      style: createBasemapStyle(),
      bounds: [west, south, east, north],
      fitBoundsOptions: { padding: FIT_PADDING_PX },
      attributionControl: false,
      // The view lives in the URL hash (#zoom/lat/lng): a wall display or a test can open straight onto a place.
      hash: true,
      localIdeographFontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    });
    map.current = basemap;
    basemap.addControl(new NavigationControl({ showCompass: true }), 'top-right');
    basemap.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');

    let mapIdle = false;
    let deckDrawn = false;
    let announced = false;
    const announce = (): void => {
      if (announced || !mapIdle || !deckDrawn) return;
      announced = true;
      handlers.current.onReady();
    };
    const deck = new MapboxOverlay({
      interleaved: false,
      layers: initialLayers.current,
      onAfterRender: () => {
        deckDrawn = true;
        announce();
        if (pendingMark.current !== undefined) {
          document.documentElement.dataset.mapMark = pendingMark.current;
          pendingMark.current = undefined;
        }
        const done = completion.current;
        if (done.complete && !done.announced) {
          done.announced = true;
          done.onComplete?.();
        }
      },
      // deck.gl picks on the GPU: the layer and object under the pointer, or just the place.
      onClick: (info) => {
        const [lng, lat] = info.coordinate ?? [];
        if (lng === undefined || lat === undefined) return;
        handlers.current.onPick?.({
          lng,
          lat,
          zoom: basemap.getZoom(),
          ...(info.picked && info.layer ? { layerId: info.layer.id, index: info.index } : {}),
        });
      },
      onError: (error) => handlers.current.onError(error),
    });
    overlay.current = deck;
    basemap.addControl(deck);
    drawOncePerFrame(basemap, deck);
    basemap.on('idle', () => {
      mapIdle = true;
      announce();
    });
    basemap.on('error', (event) => handlers.current.onError(new Error(event.error.message)));
    const reportZoom = (): void => handlers.current.onZoom?.(Math.round(basemap.getZoom() * 2) / 2);
    basemap.on('zoom', reportZoom);
    basemap.once('load', reportZoom);
    if (new URLSearchParams(window.location.search).has('bench')) {
      window.gridlineBench = {
        jumpTo: ({ longitude, latitude, zoom }) => basemap.jumpTo({ center: [longitude, latitude], zoom }),
        getView: () => {
          const center = basemap.getCenter();
          return { longitude: center.lng, latitude: center.lat, zoom: basemap.getZoom() };
        },
      };
    }
    return () => {
      overlay.current = null;
      map.current = null;
      delete window.gridlineBench;
      basemap.removeControl(deck);
      basemap.remove();
    };
  }, [bounds]);

  useEffect(() => {
    overlay.current?.setProps({ layers });
    pendingMark.current = mark;
  }, [layers, mark]);

  useEffect(() => {
    if (!focus) return;
    // An offset, not padding: maplibre keeps padding for every later camera move.
    const offset: [number, number] = [focus.offsetX ?? 0, 0];
    map.current?.flyTo({ center: [focus.lng, focus.lat], zoom: focus.zoom, offset, essential: true });
  }, [focus]);

  return <div ref={container} className="map-view" role="region" aria-label={label} data-testid="map" />;
}
