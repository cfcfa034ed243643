/**
 * The fixed spatial bins of the ticket heatmap: about 0.9 × 0.9 km cells over the whole city. Both the main process
 * (which counts) and the renderer (which draws) use this one definition.
 */
export const HEATMAP_GRID = {
  west: 112.6,
  south: 34.2,
  cellLng: 0.01,
  cellLat: 0.008,
  cols: 170,
  rows: 110,
} as const;

export const HEATMAP_CELLS = HEATMAP_GRID.cols * HEATMAP_GRID.rows;

/** The bin of a point, or -1 outside the grid. Plain double arithmetic, reproducible in SQL (see the heatmap bench). */
export function heatmapCell(lng: number, lat: number): number {
  const x = Math.floor((lng - HEATMAP_GRID.west) / HEATMAP_GRID.cellLng);
  const y = Math.floor((lat - HEATMAP_GRID.south) / HEATMAP_GRID.cellLat);
  if (!(x >= 0 && x < HEATMAP_GRID.cols && y >= 0 && y < HEATMAP_GRID.rows)) return -1;
  return y * HEATMAP_GRID.cols + x;
}

/** Centre of a bin. */
export function heatmapCellCentre(cell: number): [number, number] {
  const x = cell % HEATMAP_GRID.cols;
  const y = Math.floor(cell / HEATMAP_GRID.cols);
  return [HEATMAP_GRID.west + (x + 0.5) * HEATMAP_GRID.cellLng, HEATMAP_GRID.south + (y + 0.5) * HEATMAP_GRID.cellLat];
}

/** The category group of a leaf code: its level-1 field ("07…" → 6), for filtering by a bitmask. */
export const categoryGroupOf = (code: string): number => Number(code.slice(0, 2)) - 1;
