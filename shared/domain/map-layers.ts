/**
 * The map's layers, by key: what a window's layer settings name and what an emergency mode's layer preset switches.
 */
export const LAYER_KEYS = [
  'liveTickets',
  'heatmap',
  'fill',
  'grids',
  'workers',
  'cameras',
  'sensors',
  'labels',
] as const;
export type LayerKey = (typeof LAYER_KEYS)[number];
