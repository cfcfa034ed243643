/**
 * The offline basemap: a maplibre style with no remote URL at all. Neighbouring prefectures and the Yellow River give
 * the city its context; the city itself is drawn by deck.gl layers on top. Colours follow the console's dark theme.
 */
import type { StyleSpecification } from 'maplibre-gl';
import prefecturesUrl from '../../../resources/city/henan-prefectures.geojson?url';
import riverUrl from '../../../resources/city/yellow-river.geojson?url';

export const BASEMAP_COLORS = {
  background: '#0a1422',
  prefectureFill: '#101f33',
  prefectureLine: '#2a4262',
  river: '#2f6fa8',
} as const;

/** maplibre fetches sources from its workers, which need absolute URLs. */
const absolute = (url: string): string => new URL(url, document.baseURI).href;

export function createBasemapStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'gridline-offline',
    sources: {
      prefectures: { type: 'geojson', data: absolute(prefecturesUrl) },
      river: { type: 'geojson', data: absolute(riverUrl) },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BASEMAP_COLORS.background } },
      {
        id: 'prefectures-fill',
        type: 'fill',
        source: 'prefectures',
        paint: { 'fill-color': BASEMAP_COLORS.prefectureFill },
      },
      {
        id: 'prefectures-line',
        type: 'line',
        source: 'prefectures',
        paint: { 'line-color': BASEMAP_COLORS.prefectureLine, 'line-width': 1 },
      },
      {
        id: 'river',
        type: 'line',
        source: 'river',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': BASEMAP_COLORS.river,
          'line-width': ['interpolate', ['linear'], ['zoom'], 6, 1.5, 12, 5],
        },
      },
    ],
  };
}
