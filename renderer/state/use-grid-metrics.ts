/**
 * The metric values the grid fill colours by, for the level drawn at the current zoom: asked for when the level comes
 * into view and refreshed every minute while it stays (ticket deadlines and shifts move with the clock).
 */
import { useEffect, useState } from 'react';
import type { GridMetrics } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';
import type { FillLevel } from '../map/layers/grid-fill/grid-fill-layer';

export const METRICS_REFRESH_MS = 60_000;

export function useGridMetrics(level: FillLevel | undefined, revision: number): GridMetrics | undefined {
  const api = useApi();
  const [metrics, setMetrics] = useState<GridMetrics>();
  useEffect(() => {
    if (!level) return;
    let current = true;
    const load = (): void => {
      api.map.getGridMetrics({ level }).then(
        (next) => current && setMetrics(next),
        (error: unknown) => console.error('gridline: map.getGridMetrics failed', error),
      );
    };
    load();
    const refresh = window.setInterval(load, METRICS_REFRESH_MS);
    return () => {
      current = false;
      window.clearInterval(refresh);
    };
  }, [api, level, revision]);
  return metrics?.level === level ? metrics : undefined;
}
