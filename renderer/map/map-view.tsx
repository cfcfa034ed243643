/**
 * The map: maplibre draws the offline basemap, deck.gl draws the city's layers over it. `onReady` fires once both
 * have drawn the first full frame (maplibre `idle`, deck `onAfterRender` with the layers loaded), the signal the
 * app's ready marker and the end-to-end tests wait for.
 */
import { MapboxOverlay } from '@deck.gl/mapbox';
import { Map as MaplibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef } from 'react';
import type { CityOutline } from '../../shared/contract';
import { createBasemapStyle } from './basemap/basemap-style';
import { createCityOutlineLayer } from './layers/city-outline/city-outline-layer';

export interface MapViewProps {
  outline: CityOutline;
  label: string;
  onReady: () => void;
  onError: (error: Error) => void;
}

const FIT_PADDING_PX = 32;

// maplibre finds its worker beside its own module only under http(s); the bundled copy works under every host.
setWorkerUrl(new URL(maplibreWorkerUrl, document.baseURI).href);

export function MapView({ outline, label, onReady, onError }: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  // The map is imperative and long-lived: created once per outline, not per render.
  useEffect(() => {
    if (!container.current) return;
    const [west, south, east, north] = outline.bbox;
    const map = new MaplibreMap({
      container: container.current,
      style: createBasemapStyle(),
      bounds: [west, south, east, north],
      fitBoundsOptions: { padding: FIT_PADDING_PX },
      attributionControl: false,
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
    const overlay = new MapboxOverlay({
      interleaved: false,
      layers: [createCityOutlineLayer({ outline })],
      // The outline's data is in memory, so the first frame deck draws already contains it.
      onAfterRender: () => {
        deckDrawn = true;
        announce();
      },
      onError: (error) => onError(error),
    });
    map.addControl(overlay);
    map.on('idle', () => {
      mapIdle = true;
      announce();
    });
    map.on('error', (event) => onError(new Error(event.error.message)));
    return () => {
      map.removeControl(overlay);
      map.remove();
    };
  }, [outline, onReady, onError]);

  return <div ref={container} className="map-view" role="region" aria-label={label} data-testid="map" />;
}
