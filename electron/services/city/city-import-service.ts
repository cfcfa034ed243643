/**
 * The console's import: one at a time, never while the default city is still being generated, with progress events
 * and refusals that name the file, the row or feature and the reason (the store is unchanged on a refusal).
 */
import { ContractError, type ImportProgressData, type ImportResult } from '../../../shared/contract';
import type { ImportCrs, ImportKind } from '../../../shared/domain/city-import';
import type { Logger } from '../../host/logger';
import type { Store } from '../store/store';
import type { CityBootstrap } from './city-bootstrap';
import type { CityService } from './city-service';
import { LOCATION_SLOTS, LOCATION_STRIDE, type GridIndex } from './grid-index';
import type { GridLocator } from './grid-locator';
import { ImportError, importCityFile } from './import';

/** Point → the deepest grid of the hierarchy there: its micro-grid where there is one, else its L3 grid (-1: none). */
export function deepestGrid(index: GridIndex): (lng: number, lat: number) => number {
  const out = new Int32Array(LOCATION_STRIDE);
  return (lng, lat) => {
    index.locateInto(lng, lat, out);
    const micro = out[LOCATION_SLOTS.micro]!;
    return micro >= 0 ? micro : out[LOCATION_SLOTS.L3]!;
  };
}

/** Progress events at most this often: an import of millions of rows must not flood the windows. */
const PROGRESS_INTERVAL_MS = 250;

export interface CityImportDeps {
  store: Store;
  grids: GridLocator;
  city: CityService;
  bootstrap: CityBootstrap;
  log: Logger;
  onProgress: (progress: ImportProgressData) => void;
}

export class CityImportService {
  private running = false;

  constructor(private readonly deps: CityImportDeps) {}

  async importFile(request: { path: string; kind: ImportKind; crs: ImportCrs }): Promise<ImportResult> {
    const refuse = (message: string): never => {
      this.deps.log.warn('city.import-refused', { path: request.path, kind: request.kind, reason: message });
      throw new ContractError({ code: 'refused', message });
    };
    if (this.running) refuse('another import is running; wait for it to finish');
    if (this.deps.bootstrap.getStatus().state === 'generating') {
      refuse('the default city is still being generated; import once it is ready');
    }
    this.running = true;
    try {
      let last = 0;
      const locator = request.kind === 'grids' ? undefined : this.deps.grids.index();
      const summary = await importCityFile(this.deps.store, request.path, {
        kind: request.kind,
        crs: request.crs,
        cityOutline: this.deps.city.getOutline(),
        log: this.deps.log,
        locate: locator ? deepestGrid(locator) : undefined,
        onProgress: (progress) => {
          const now = Date.now();
          if (now - last < PROGRESS_INTERVAL_MS) return;
          last = now;
          this.deps.onProgress({ kind: request.kind, ...progress });
        },
      });
      if (request.kind === 'grids') {
        this.deps.grids.invalidate();
        this.deps.bootstrap.cityReplaced();
      }
      const { kind, rows, inserted, replaced, seconds } = summary;
      return { kind, rows, inserted, seconds, ...(replaced === undefined ? {} : { replaced }) };
    } catch (error) {
      if (error instanceof ImportError) throw new ContractError({ code: 'refused', message: error.message });
      throw error;
    } finally {
      this.running = false;
    }
  }
}
