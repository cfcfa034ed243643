/** The one entry point: import a grids, workers, cameras, sensors or tickets file into the store (README.md). */
import type { CityOutline } from '../../../../shared/contract';
import { flattenPolygons } from '../../../../shared/geo/polygon-blob';
import type { Store } from '../../store/store';
import { importCsv, type CsvKind } from './csv-import';
import { datumConverter } from './datum';
import { importGrids } from './grids-import';
import { ImportError } from './import-error';
import type { ImportKind, ImportOptions, ImportSummary } from './import-types';
import { camerasKind, sensorsKind, workersKind } from './point-kinds';
import { PolygonIndex } from './polygon-index';
import { ticketsKind } from './ticket-kind';

const CSV_KINDS: Record<Exclude<ImportKind, 'grids'>, CsvKind> = {
  workers: workersKind,
  cameras: camerasKind,
  sensors: sensorsKind,
  tickets: ticketsKind,
};

/** The outline's index, built once per outline object (CityService serves the same object every time). */
const cityIndexes = new WeakMap<CityOutline, PolygonIndex>();
function cityIndex(outline: CityOutline): PolygonIndex {
  let index = cityIndexes.get(outline);
  if (!index) {
    index = new PolygonIndex(flattenPolygons(outline.polygons));
    cityIndexes.set(outline, index);
  }
  return index;
}

/**
 * Imports one file. A `grids` file (GeoJSON) replaces the whole city; the CSV kinds append rows. Every coordinate is
 * converted from the declared datum to WGS-84 before it is checked. On any problem the store is left exactly as it
 * was and an {@link ImportError} names the file, the row or feature, and the reason; the refusal is also logged.
 */
export async function importCityFile(store: Store, file: string, options: ImportOptions): Promise<ImportSummary> {
  const { kind, crs, log, onProgress } = options;
  const started = performance.now();
  log?.info('city.import-started', { file, kind, crs });
  try {
    const toWgs84 = datumConverter(crs);
    const city = cityIndex(options.cityOutline);
    let summary: ImportSummary;
    if (kind === 'grids') {
      const result = await importGrids(store, file, { crs, toWgs84, city }, onProgress);
      if (result.unlinkedDepartments > 0) {
        log?.warn('city.import-departments-unlinked', { file, departments: result.unlinkedDepartments });
      }
      summary = { kind, file, rows: result.rows, inserted: result.inserted, replaced: result.replaced, seconds: 0 };
    } else {
      const { rows } = await importCsv(
        store,
        file,
        CSV_KINDS[kind],
        { toWgs84, city, locate: options.locate },
        onProgress,
      );
      summary = { kind, file, rows, inserted: rows, seconds: 0 };
    }
    summary.seconds = (performance.now() - started) / 1000;
    log?.info('city.import-done', { ...summary });
    return summary;
  } catch (error) {
    const refusal =
      error instanceof ImportError ? error : new ImportError(file, 'file', (error as Error).message ?? String(error));
    log?.error('city.import-refused', { file, kind, crs, location: refusal.location, reason: refusal.reason });
    throw refusal;
  }
}
