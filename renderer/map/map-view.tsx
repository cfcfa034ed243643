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
import { useEffect, useRef } from 'react';
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
  /** A click on the map, at a position and the zoom it was made at. */
  onPick?: (lng: number, lat: number, zoom: number) => void;
}

const FIT_PADDING_PX = 32;

// maplibre finds its worker beside its own module only under http(s); the bundled copy works under every host.
setWorkerUrl(new URL(maplibreWorkerUrl, document.baseURI).href);

export function MapView({ bounds, layers, label, onReady, onError, onZoom, onPick }: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const overlay = useRef<MapboxOverlay>(null);
  const initialLayers = useRef(layers);

  // The map is imperative and long-lived: created once per bounds, not per render.
  useEffect(() => {
    if (!container.current) return;
    const [west, south, east, north] = bounds;
    const map = new MaplibreMap({
      container: container.current,
      style: createBasemapStyle(),
      bounds: [west, south, east, north],
      fitBoundsOptions: { padding: FIT_PADDING_PX },
      attributionControl: false,
      // The view lives in the URL hash (#zoom/lat/lng): a wall display or a test can open straight onto a place.
      hash: true,
      localIdeographFontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    });
    map.addControl(new NavigationControl({ showCompass: true }), 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');

    let mapIdle = false;
    let deckDrawn = false;
    let announced = false;
    const announce = (): void => {
      if (announced || !mapIdle || !deckDrawn) return;
      announced = true;
      onReady();
    };
    const deck = new MapboxOverlay({
      interleaved: false,
      layers: initialLayers.current,
      onAfterRender: () => {
        deckDrawn = true;
        announce();
      },
      onError: (error) => onError(error),
    });
    overlay.current = deck;
    map.addControl(deck);
    map.on('idle', () => {
      mapIdle = true;
      announce();
    });
    map.on('error', (event) => onError(new Error(event.error.message)));
    const reportZoom = (): void => onZoom?.(Math.round(map.getZoom() * 2) / 2);
    map.on('zoom', reportZoom);
    map.on('click', (event) => onPick?.(event.lngLat.lng, event.lngLat.lat, map.getZoom()));
    map.once('load', reportZoom);
    return () => {
      overlay.current = null;
      map.removeControl(deck);
      map.remove();
    };
  }, [bounds, onReady, onError, onZoom, onPick]);

  useEffect(() => {
    overlay.current?.setProps({ layers });
  }, [layers]);

  return <div ref={container} className="map-view" role="region" aria-label={label} data-testid="map" />;
}
