/**
 * Workers, cameras and sensors from the main process once the city is complete, with their colours built once. Every
 * minute the statuses are refreshed — a byte per point — and only the colour attribute changes (the positions' typed
 * array stays the same object, so deck.gl does not upload it again).
 */
import { useEffect, useState } from 'react';
import type { PointLayerData, PointLayerName } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';
import { colorAttribute } from '../map/layers/point-style';

export type PointLayers = Partial<Record<PointLayerName, { data: PointLayerData; colors: Uint8Array }>>;

const LAYERS: readonly PointLayerName[] = ['workers', 'cameras', 'sensors'];
export const STATUS_REFRESH_MS = 60_000;

export function usePointLayers(cityReady: boolean, revision: number): PointLayers {
  const api = useApi();
  const [layers, setLayers] = useState<PointLayers>({});
  useEffect(() => {
    if (!cityReady) return;
    let current = true;
    for (const layer of LAYERS) {
      api.map.getPoints({ layer }).then(
        (data) => {
          if (current) setLayers((previous) => ({ ...previous, [layer]: { data, colors: colorAttribute(data) } }));
        },
        (error: unknown) => console.error(`gridline: map.getPoints ${layer} failed`, error),
      );
    }
    const refresh = window.setInterval(() => {
      for (const layer of ['workers', 'sensors'] as const) {
        api.map.getPointClasses({ layer }).then(
          ({ classes, asOf }) =>
            current &&
            setLayers((previous) => {
              const entry = previous[layer];
              // A refresh that crossed an import (a different set of points) waits for the new getPoints.
              if (!entry || entry.data.classes.length !== classes.length) return previous;
              const data = { ...entry.data, classes, asOf };
              return { ...previous, [layer]: { data, colors: colorAttribute(data) } };
            }),
          (error: unknown) => console.error(`gridline: map.getPointClasses ${layer} failed`, error),
        );
      }
    }, STATUS_REFRESH_MS);
    return () => {
      current = false;
      window.clearInterval(refresh);
    };
  }, [api, cityReady, revision]);
  return layers;
}
