/** The grid hierarchy as the services see it (the store's `grids` table, with geometry decoded). */
import type { FlatPolygons } from '../../../shared/geo/polygon-blob';
import type { BBox } from '../../../shared/geo/types';

export const GRID_LEVELS = ['L1', 'L2', 'L3', 'micro', 'exclusive'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

export const EXCLUSIVE_KINDS = [
  'airport',
  'station',
  'hospital',
  'school',
  'university',
  'mall',
  'market',
  'park',
  'stadium',
  'government',
] as const;
export type ExclusiveKind = (typeof EXCLUSIVE_KINDS)[number];

export interface GridGeometry {
  id: number;
  level: GridLevel;
  /** null for L1 grids; for exclusive grids, the L1 grid they overlay. */
  parentId: number | null;
  polygons: FlatPolygons;
  bbox: BBox;
}
