/**
 * Which layers this window shows and how strongly, remembered per window: each display's window keeps its own choice
 * across restarts (browser storage, keyed by the window's display).
 */
import { useCallback, useState } from 'react';
import { GRID_METRICS, type GridMetricName } from '../../shared/contract';

import { LAYER_KEYS, type LayerKey } from '../../shared/domain/map-layers';

export { LAYER_KEYS, type LayerKey };
/** `metric` only for the grid fill: what it colours grids by. */
export type LayerSetting = { visible: boolean; opacity: number; metric?: GridMetricName };
export type LayerSettings = Record<LayerKey, LayerSetting>;

export const DEFAULT_LAYER_SETTINGS: LayerSettings = {
  liveTickets: { visible: true, opacity: 1 },
  heatmap: { visible: true, opacity: 0.75 },
  // Off at first: over the heatmap it would say the same thing twice.
  fill: { visible: false, opacity: 0.85, metric: 'openTickets' },
  grids: { visible: true, opacity: 1 },
  workers: { visible: false, opacity: 1 },
  cameras: { visible: true, opacity: 1 },
  sensors: { visible: true, opacity: 1 },
  labels: { visible: true, opacity: 1 },
};

const storageKey = (): string =>
  `gridline.layers.${new URLSearchParams(window.location.search).get('display') ?? 'browser'}`;

function load(): LayerSettings {
  try {
    const saved = JSON.parse(window.localStorage.getItem(storageKey()) ?? '{}') as Partial<
      Record<LayerKey, Partial<LayerSetting>>
    >;
    const settings = { ...DEFAULT_LAYER_SETTINGS };
    for (const key of LAYER_KEYS) {
      const entry = saved[key];
      if (entry && typeof entry.visible === 'boolean' && typeof entry.opacity === 'number') {
        settings[key] = { ...settings[key], visible: entry.visible, opacity: Math.min(1, Math.max(0, entry.opacity)) };
        const metric = GRID_METRICS.find((known) => known === entry.metric);
        if (key === 'fill' && metric) settings[key].metric = metric;
      }
    }
    return settings;
  } catch {
    // A damaged entry is as good as none: start from the defaults.
    return { ...DEFAULT_LAYER_SETTINGS };
  }
}

export function useLayerSettings(): [LayerSettings, (key: LayerKey, change: Partial<LayerSetting>) => void] {
  const [settings, setSettings] = useState<LayerSettings>(load);
  const update = useCallback((key: LayerKey, change: Partial<LayerSetting>) => {
    setSettings((previous) => {
      const next = { ...previous, [key]: { ...previous[key], ...change } };
      window.localStorage.setItem(storageKey(), JSON.stringify(next));
      return next;
    });
  }, []);
  return [settings, update];
}
