/** The options, progress and result of a city-data import (see README.md in this folder for the file formats). */
import type { CityOutline } from '../../../../shared/contract';
import type { Logger } from '../../../host/logger';

import type { ImportCrs, ImportKind } from '../../../../shared/domain/city-import';

export { IMPORT_CRSES, IMPORT_KINDS, type ImportCrs, type ImportKind } from '../../../../shared/domain/city-import';

/**
 * Progress of a running import. Phases: `reading` (CSV: `done`/`total` are bytes of the file, so a bar can show a
 * percentage without counting rows first), `checking` and `writing` (grids: features).
 */
export interface ImportProgress {
  phase: string;
  done: number;
  total?: number;
}

export interface ImportOptions {
  kind: ImportKind;
  /** The datum the file's coordinates are in; everything is converted to WGS-84 before any check. */
  crs: ImportCrs;
  /** The city outline (WGS-84) from CityService: points and polygons outside it are refused. */
  cityOutline: CityOutline;
  /**
   * Point → id of the deepest grid there (-1 for none). Used for ticket, camera and sensor rows without a grid code;
   * such a row is refused when no locator is given.
   */
  locate?: (lng: number, lat: number) => number;
  onProgress?: (progress: ImportProgress) => void;
  log?: Logger;
}

export interface ImportSummary {
  kind: ImportKind;
  file: string;
  /** Data rows (CSV) or features (GeoJSON) read. */
  rows: number;
  /** Rows written to the store (a grids import counts counties and grids). */
  inserted: number;
  /** Grids imports only: whether an existing city (any county, grid, worker, camera, sensor or ticket) was replaced. */
  replaced?: boolean;
  seconds: number;
}
