/** Workers, cameras and sensors from the main process once the city is complete, with their colours built once. */
import { useEffect, useState } from 'react';
import type { PointLayerData, PointLayerName } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';
import { colorAttribute } from '../map/layers/point-style';

export type PointLayers = Partial<Record<PointLayerName, { data: PointLayerData; colors: Uint8Array }>>;

const LAYERS: readonly PointLayerName[] = ['workers', 'cameras', 'sensors'];

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
    return () => {
      current = false;
    };
  }, [api, cityReady, revision]);
  return layers;
}
