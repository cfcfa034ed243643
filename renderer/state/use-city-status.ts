/**
 * The city's state as the main process reports it: generating (with live progress), ready or failed; and its
 * boundaries once the grids exist.
 */
import { useEffect, useState } from 'react';
import type { Boundaries, CityStatus, GenerationProgressData, MapLabels } from '../../shared/contract';
import { useApi, useConnectionState } from '../app/providers/connection-context';

export interface CityState {
  status: CityStatus | undefined;
  progress: GenerationProgressData | undefined;
  boundaries: Boundaries[];
  labels: MapLabels | undefined;
}

export function useCityStatus(): CityState {
  const api = useApi();
  const connection = useConnectionState();
  const [status, setStatus] = useState<CityStatus>();
  const [progress, setProgress] = useState<GenerationProgressData>();
  const [boundaries, setBoundaries] = useState<Boundaries[]>([]);
  const [labels, setLabels] = useState<MapLabels>();

  useEffect(() => {
    const offStatus = api.events.on('city.statusChanged', setStatus);
    const offProgress = api.events.on('city.generationProgress', setProgress);
    return () => {
      offStatus();
      offProgress();
    };
  }, [api]);

  useEffect(() => {
    if (connection !== 'connected') return;
    api.city.getStatus({}).then(
      (next) => {
        setStatus(next);
        if (next.progress) setProgress(next.progress);
      },
      (error: unknown) => console.error('gridline: city.getStatus failed', error),
    );
  }, [api, connection]);

  const framed = status?.framed ?? false;
  const revision = status?.revision ?? 0;
  useEffect(() => {
    if (!framed) return;
    const levels = ['county', 'L1', 'L2', 'L3', 'micro', 'exclusive'] as const;
    Promise.all(levels.map((level) => api.city.getBoundaries({ level }))).then(setBoundaries, (error: unknown) =>
      console.error('gridline: city.getBoundaries failed', error),
    );
    api.city.getLabels({}).then(setLabels, (error: unknown) => console.error('gridline: city.getLabels failed', error));
    // A new revision (an import replaced the city) reloads them.
  }, [api, framed, revision]);

  return { status, progress, boundaries, labels };
}
